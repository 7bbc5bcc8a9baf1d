package io.mqttee.management;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The time formats of RMQTT's API, byte for byte. */
public final class TimeFormats {

    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private TimeFormats() {
    }

    /**
     * A wall-clock time as RMQTT's {@code datetime} field: {@code 2022-07-24 23:01:31}, in the
     * given zone (the server's local time in the API), seconds truncated.
     */
    public static String datetime(Instant instant, ZoneId zone) {
        return DATETIME.format(instant.atZone(zone));
    }

    /**
     * A duration as RMQTT's {@code uptime} field: {@code 5 days 23 hours, 16 minutes, 3 seconds}.
     * Like RMQTT it always writes the plural and every unit ({@code 0 days 0 hours, 0 minutes,
     * 1 seconds}); a negative duration (a clock stepped back) is shown as zero.
     */
    public static String uptime(Duration duration) {
        long total = Math.max(0, duration.getSeconds());
        long seconds = total % 60;
        long minutes = total / 60 % 60;
        long hours = total / 3600 % 24;
        long days = total / 86_400;
        return days + " days " + hours + " hours, " + minutes + " minutes, " + seconds + " seconds";
    }
}
