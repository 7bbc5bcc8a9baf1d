package io.mqttee.management;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** {@code GET /api/v1}: the endpoints this API serves, generated from the resource classes. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ApiIndexResource {

    @GET
    @Endpoint(name = "list_apis", descr = "Return all endpoints supported by the broker", listed = false)
    public List<EndpointDto> endpoints() {
        return EndpointCatalog.of(ManagementApplication.RESOURCES);
    }
}
