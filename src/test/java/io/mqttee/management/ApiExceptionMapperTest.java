package io.mqttee.management;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiExceptionMapperTest {

    private final ApiExceptionMapper mapper = new ApiExceptionMapper();

    @Test
    void keepsTheStatusAndMessageOfWebApplicationExceptions() {
        Response r = mapper.toResponse(new NotFoundException("node 7 does not exist"));
        assertThat(r.getStatus()).isEqualTo(404);
        assertThat(r.getMediaType()).isEqualTo(MediaType.APPLICATION_JSON_TYPE);
        assertThat(r.getEntity()).isEqualTo(new ErrorDto(404, "node 7 does not exist"));

        assertThat(mapper.toResponse(new BadRequestException("bad")).getEntity()).isEqualTo(new ErrorDto(400, "bad"));
    }

    @Test
    void keepsHeadersSuchAsAllow() {
        Response r = mapper.toResponse(new NotAllowedException("GET"));
        assertThat(r.getStatus()).isEqualTo(405);
        assertThat(r.getAllowedMethods()).containsExactly("GET");
        assertThat(((ErrorDto) r.getEntity()).code()).isEqualTo(405);
    }

    @Test
    void hidesOtherFailuresBehindA500() {
        Response r = mapper.toResponse(new IllegalStateException("secret detail"));
        assertThat(r.getStatus()).isEqualTo(500);
        assertThat(r.getEntity()).isEqualTo(new ErrorDto(500, "internal server error"));
    }
}
