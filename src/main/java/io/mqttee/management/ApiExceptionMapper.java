package io.mqttee.management;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every failure of the API into a JSON {@link ErrorDto} body: a {@link WebApplicationException}
 * (400 bad node id, 404 unknown node or path, 405, ...) keeps its status and message; anything else
 * is logged and answered with a 500 that does not leak internals.
 */
@Provider
public class ApiExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMapper.class.getName());

    @Override
    public Response toResponse(Throwable failure) {
        if (failure instanceof WebApplicationException wae) {
            Response response = wae.getResponse();
            if (response.getStatus() < 400) {
                return response; // redirects and the like are not errors
            }
            String message = wae.getMessage() != null ? wae.getMessage() : response.getStatusInfo().getReasonPhrase();
            // fromResponse keeps headers such as a 405's Allow
            return Response.fromResponse(response).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorDto(response.getStatus(), message)).build();
        }
        LOG.log(Level.SEVERE, "management API request failed", failure);
        int status = Response.Status.INTERNAL_SERVER_ERROR.getStatusCode();
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorDto(status, "internal server error")).build();
    }
}
