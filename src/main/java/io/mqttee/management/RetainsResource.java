package io.mqttee.management;

import io.mqttee.core.Broker;
import io.mqttee.core.Message;
import io.mqttee.core.Topics;
import io.mqttee.lifecycle.BrokerLifecycle;
import io.mqttee.plugins.HttpApiPlugin;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * {@code /api/v1/retains}: retained messages matching a filter, a page at a time ({@code offset},
 * {@code limit}; at most {@code max_row_limit}), by topic; and the removal of one topic's retained
 * message ({@code DELETE ?topic=}: 400 for a filter with wildcards, 404 when there is none).
 */
@Path("/retains")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class RetainsResource {

    private final BrokerLifecycle lifecycle;

    /** For CDI's client proxy; public because RESTEasy (WildFly) requires a public constructor. */
    public RetainsResource() {
        this.lifecycle = null;
    }

    @Inject
    public RetainsResource(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @GET
    @Endpoint(name = "get_retains", descr = "Query retained messages")
    public RetainDto.Page list(@QueryParam("topic_filter") String topicFilter,
                               @QueryParam("offset") String offset,
                               @QueryParam("limit") String limit) {
        String filter = topicFilter == null || topicFilter.isEmpty() ? "#" : topicFilter;
        if (!Topics.isValidFilter(filter, 0)) {
            throw new BadRequestException("invalid topic_filter: '" + filter + "' is not a topic filter");
        }
        int from = ApiParams.integer("offset", offset) == null ? 0 : ApiParams.integer("offset", offset);
        int maxRows = lifecycle.plugins().plugin(HttpApiPlugin.class).settings().maxRowLimit();
        int n = ApiParams.limit("limit", limit, maxRows);
        Broker broker = lifecycle.broker();
        List<Message> all = broker.retainedMatching(filter);
        long now = broker.clock().millis();
        List<RetainDto> page = all.stream().skip(from).limit(n)
                .map(m -> RetainAssembler.toDto(m, broker.nodeId(), now)).toList();
        return new RetainDto.Page(page, (long) from + n < all.size());
    }

    @DELETE
    @Produces(MediaType.TEXT_PLAIN)
    @Endpoint(name = "delete_retain", descr = "Delete the retained message of a topic")
    public String delete(@QueryParam("topic") String topic) {
        if (topic == null || topic.isEmpty()) {
            throw new BadRequestException("missing query parameter: topic");
        }
        if (!Topics.isValidTopicName(topic, 0)) {
            throw new BadRequestException("invalid topic: '" + topic + "' is not a topic name (no wildcards)");
        }
        if (!lifecycle.broker().removeRetained(topic)) {
            throw new NotFoundException("no retained message on topic " + topic);
        }
        return "ok";
    }
}
