package io.mqttee.management;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class TimeFormatsTest {

    @ParameterizedTest(name = "{0} s -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0        | 0 days 0 hours, 0 minutes, 0 seconds",
            "1        | 0 days 0 hours, 0 minutes, 1 seconds",
            "59       | 0 days 0 hours, 0 minutes, 59 seconds",
            "60       | 0 days 0 hours, 1 minutes, 0 seconds",
            "3599     | 0 days 0 hours, 59 minutes, 59 seconds",
            "3600     | 0 days 1 hours, 0 minutes, 0 seconds",
            "86399    | 0 days 23 hours, 59 minutes, 59 seconds",
            "86400    | 1 days 0 hours, 0 minutes, 0 seconds",
            // RMQTT's documented example
            "515763   | 5 days 23 hours, 16 minutes, 3 seconds",
            "31536000 | 365 days 0 hours, 0 minutes, 0 seconds",
    })
    void uptimeIsWrittenLikeRmqtt(long seconds, String expected) {
        assertThat(TimeFormats.uptime(Duration.ofSeconds(seconds))).isEqualTo(expected);
    }

    @Test
    void uptimeTruncatesMillisecondsAndTreatsNegativeAsZero() {
        assertThat(TimeFormats.uptime(Duration.ofMillis(1999))).isEqualTo("0 days 0 hours, 0 minutes, 1 seconds");
        assertThat(TimeFormats.uptime(Duration.ofSeconds(-5))).isEqualTo("0 days 0 hours, 0 minutes, 0 seconds");
    }

    @Test
    void datetimeIsLocalTimeInTheGivenZone() {
        Instant instant = Instant.parse("2022-07-24T15:01:31.987Z");
        assertThat(TimeFormats.datetime(instant, ZoneOffset.UTC)).isEqualTo("2022-07-24 15:01:31");
        assertThat(TimeFormats.datetime(instant, ZoneId.of("Asia/Shanghai"))).isEqualTo("2022-07-24 23:01:31");
    }

    @Test
    void datetimePadsEveryField() {
        assertThat(TimeFormats.datetime(Instant.parse("2023-01-02T03:04:05Z"), ZoneOffset.UTC))
                .isEqualTo("2023-01-02 03:04:05");
    }
}
