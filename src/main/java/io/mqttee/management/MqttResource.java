package io.mqttee.management;

import io.mqttee.core.Broker;
import io.mqttee.core.Message;
import io.mqttee.core.MessageProperties;
import io.mqttee.core.Session;
import io.mqttee.core.SubscribeResult;
import io.mqttee.core.SubscriptionRequest;
import io.mqttee.core.Topics;
import io.mqttee.lifecycle.BrokerLifecycle;
import io.mqttee.plugins.HttpApiPlugin;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/mqtt}: publish, subscribe and unsubscribe on behalf of clients. A publish is
 * routed exactly as a client's (retained ones stored, counted in {@code messages.publish}); without
 * a Message Expiry Interval of its own it expires after the http-api's {@code message_expiry_interval}.
 * Subscribe and unsubscribe act on an existing session, connected or offline.
 */
@Path("/mqtt")
@RequestScoped
public class MqttResource {

    private final BrokerLifecycle lifecycle;

    /** For CDI's client proxy; public because RESTEasy (WildFly) requires a public constructor. */
    public MqttResource() {
        this.lifecycle = null;
    }

    @Inject
    public MqttResource(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @POST
    @Path("/publish")
    @Produces(MediaType.TEXT_PLAIN)
    @Endpoint(name = "publish", descr = "Publish MQTT message")
    public String publish(String body) {
        MqttRequests.Publish p = MqttRequests.publish(body);
        Broker broker = lifecycle.broker();
        MessageProperties props = p.properties();
        if (props.messageExpiryInterval() == null) {
            long seconds = lifecycle.plugins().plugin(HttpApiPlugin.class).settings()
                    .messageExpiryInterval().toSeconds();
            props = new MessageProperties(props.payloadFormatIndicator(), seconds, props.contentType(),
                    props.responseTopic(), props.correlationData(), props.userProperties());
        }
        long now = broker.clock().millis();
        for (String topic : p.topics()) {
            broker.publish(new Message(topic, p.payload(), p.qos(), p.retain(), p.clientId(), now, props));
        }
        return "ok";
    }

    /** Answers, for each topic as written, whether the subscription was made. */
    @POST
    @Path("/subscribe")
    @Produces(MediaType.APPLICATION_JSON)
    @Endpoint(name = "subscribe", descr = "Subscribe to MQTT topic")
    public Map<String, Boolean> subscribe(String body) {
        MqttRequests.Subscribe s = MqttRequests.subscribe(body);
        Broker broker = lifecycle.broker();
        Session session = session(broker, s.clientId());
        Map<String, Boolean> out = new LinkedHashMap<>();
        List<SubscriptionRequest> requests = new ArrayList<>();
        List<String> requested = new ArrayList<>();
        for (String topic : s.topics()) {
            SubscriptionRequest r = request(topic, s.qos());
            out.put(topic, r != null);
            if (r != null) {
                requests.add(r);
                requested.add(topic);
            }
        }
        SubscribeResult result = broker.subscribe(session, requests);
        for (int i = 0; i < requested.size(); i++) {
            out.put(requested.get(i), result.codes().get(i) < Broker.SUBSCRIPTION_FAILURE);
        }
        broker.sendRetained(session, result);
        return out;
    }

    @POST
    @Path("/unsubscribe")
    @Produces(MediaType.APPLICATION_JSON)
    @Endpoint(name = "unsubscribe", descr = "Unsubscribe")
    public boolean unsubscribe(String body) {
        MqttRequests.Unsubscribe u = MqttRequests.unsubscribe(body);
        Broker broker = lifecycle.broker();
        return broker.unsubscribe(session(broker, u.clientId()), List.of(u.topic())).get(0);
    }

    private static Session session(Broker broker, String clientId) {
        return broker.session(clientId)
                .orElseThrow(() -> new NotFoundException("client " + clientId + " does not exist"));
    }

    /** A plain or {@code $share/<group>/<filter>} subscription, or null for an invalid filter. */
    static SubscriptionRequest request(String topic, int qos) {
        String filter = topic;
        String group = null;
        if (topic.startsWith("$share/")) {
            int slash = topic.indexOf('/', 7);
            if (slash < 0) {
                return null;
            }
            group = topic.substring(7, slash);
            filter = topic.substring(slash + 1);
            if (group.isEmpty() || group.contains("+") || group.contains("#")) {
                return null;
            }
        }
        if (!Topics.isValidFilter(filter, 0)) {
            return null;
        }
        return new SubscriptionRequest(filter, qos, false, false, 0, 0, group, 0);
    }
}
