package io.mqttee.management;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.LocalDateTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiParamsTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");

    @Test
    void absentOrEmptyIsNoCondition() {
        assertThat(ApiParams.integer("x", null)).isNull();
        assertThat(ApiParams.integer("x", "")).isNull();
        assertThat(ApiParams.bool("x", null)).isNull();
        assertThat(ApiParams.time("x", "", ZONE)).isNull();
    }

    @Test
    void integers() {
        assertThat(ApiParams.integer("x", "42")).isEqualTo(42);
        assertThat(ApiParams.integer("qos", "2", 0, 2)).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "1.5", "99999999999", " "})
    void badIntegersNameTheParameter(String value) {
        assertThatThrownBy(() -> ApiParams.integer("_gte_mqueue_len", value))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("_gte_mqueue_len");
    }

    @Test
    void integerOutOfRangeNamesTheParameter() {
        assertThatThrownBy(() -> ApiParams.integer("qos", "3", 0, 2)).hasMessageContaining("qos");
    }

    @Test
    void booleansAreTrueOrFalse() {
        assertThat(ApiParams.bool("connected", "true")).isTrue();
        assertThat(ApiParams.bool("connected", "false")).isFalse();
        assertThatThrownBy(() -> ApiParams.bool("connected", "yes"))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("connected").hasMessageContaining("yes");
    }

    @Test
    void timesAreUnixSecondsOrLocalDatetimes() {
        assertThat(ApiParams.time("t", "1700000000", ZONE)).isEqualTo(1_700_000_000_000L);
        assertThat(ApiParams.time("t", "2024-01-31 23:59:59", ZONE))
                .isEqualTo(LocalDateTime.of(2024, 1, 31, 23, 59, 59).atZone(ZONE).toInstant().toEpochMilli());
        assertThatThrownBy(() -> ApiParams.time("_gte_created_at", "yesterday", ZONE))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("_gte_created_at");
        assertThatThrownBy(() -> ApiParams.time("t", "2024-02-30 00:00:00", ZONE)).isInstanceOf(BadRequestException.class);
    }

    @Test
    void limitDefaultsToAndIsCappedByMaxRowLimit() {
        assertThat(ApiParams.limit("_limit", null, 100)).isEqualTo(100);
        assertThat(ApiParams.limit("_limit", "0", 100)).isEqualTo(100);
        assertThat(ApiParams.limit("_limit", "1000", 100)).isEqualTo(100);
        assertThat(ApiParams.limit("_limit", "7", 100)).isEqualTo(7);
        assertThatThrownBy(() -> ApiParams.limit("_limit", "-7", 100)).hasMessageContaining("_limit");
    }

    @Test
    void nodeMustBeThisNode() {
        ApiParams.requireNode("1", 1);
        assertThatThrownBy(() -> ApiParams.requireNode("2", 1)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ApiParams.requireNode("one", 1)).isInstanceOf(BadRequestException.class);
    }
}
