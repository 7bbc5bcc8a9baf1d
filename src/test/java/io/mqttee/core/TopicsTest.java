package io.mqttee.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Topic matching and topic name / filter validation, MQTT 3.1.1 section 4.7. */
class TopicsTest {

    /**
     * filter | topic | matches. Every row runs against both {@link Topics#matches} and
     * {@link SubscriptionIndex#match}, which must agree.
     */
    static final String MATCH_TABLE = """
            'sport/tennis/player1/#', 'sport/tennis/player1', true
            'sport/tennis/player1/#', 'sport/tennis/player1/ranking', true
            'sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true
            'sport/#', 'sport', true
            'sport/#', 'sports', false
            '#', 'sport', true
            '#', '/', true
            '#', 'a/b/c', true
            '/#', '/', true
            '/#', 'a', false
            'a/b/#', 'a/b', true
            'a/b/#', 'a', false
            'a/#', 'ab', false
            'a/+/#', 'a/b', true
            'a/+/#', 'a', false
            '+/#', 'a', true
            '+/#', '/finance', true
            'sport/tennis/+', 'sport/tennis/player1', true
            'sport/tennis/+', 'sport/tennis/player1/ranking', false
            'sport/+', 'sport', false
            'sport/+', 'sport/', true
            '+/+', '/', true
            '/+', '/finance', true
            '+', '/finance', false
            '+', 'finance', true
            '+/+/+', 'a/b', false
            'a/+/b', 'a//b', true
            'a//b', 'a//b', true
            'a//b', 'a/b', false
            'a/b', 'a//b', false
            'a/b', 'a/b/', false
            'a/b/', 'a/b/', true
            'a/b/+', 'a/b/', true
            '/a', 'a', false
            'a', '/a', false
            'a/b/c', 'a/b', false
            'a/b', 'a/b/c', false
            'ACCOUNTS', 'Accounts', false
            'a b/c', 'a b/c', true
            '#', '$SYS/x', false
            '#', '$SYS', false
            '#', '$', false
            '+/x', '$SYS/x', false
            '+', '$SYS', false
            '+/monitor/Clients', '$SYS/monitor/Clients', false
            '$SYS/#', '$SYS/x', true
            '$SYS/#', '$SYS', true
            '$SYS/+', '$SYS/x', true
            '$SYS/monitor/+', '$SYS/monitor/Clients', true
            '$SYS/x', '$SYS/x', true
            'a/+', 'a/$SYS', true
            'a/#', 'a/$SYS/b', true
            """;

    // [MQTT-4.7.1-2] '#' matches the parent level and any number of levels
    // [MQTT-4.7.1-3] '+' matches exactly one level, which may be empty
    // [MQTT-4.7.2-1] filters starting with a wildcard do not match topics starting with '$'
    @ParameterizedTest(name = "[MQTT-4.7] Topics.matches(\"{0}\", \"{1}\") == {2}")
    @CsvSource(textBlock = MATCH_TABLE)
    void topicsMatches(String filter, String topic, boolean expected) {
        assertThat(Topics.matches(filter, topic)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[MQTT-4.7] SubscriptionIndex: \"{0}\" matches \"{1}\" == {2}")
    @CsvSource(textBlock = MATCH_TABLE)
    void subscriptionIndexMatches(String filter, String topic, boolean expected) {
        SubscriptionIndex index = new SubscriptionIndex();
        index.add(new Subscription("c1", filter, 1));
        // decoys that must never change the answer for c1
        index.add(new Subscription("c2", "decoy/#", 0));
        assertThat(index.match(topic).containsKey("c1")).isEqualTo(expected);
        assertThat(index.matchingFilters(topic).contains(filter)).isEqualTo(expected);
    }

    static Stream<Arguments> topicNames() {
        return Stream.of(
                arguments("a/b", 0, true),
                arguments("/", 0, true),
                arguments("a//b", 0, true),
                arguments(" ", 0, true),
                arguments("$SYS/x", 0, true),
                arguments("ü/漢字", 0, true),
                arguments("", 0, false),              // [MQTT-4.7.3-1]
                arguments("a/+", 0, false),           // [MQTT-3.3.2-2]
                arguments("a/#", 0, false),           // [MQTT-3.3.2-2]
                arguments("+", 0, false),
                arguments("a+", 0, false),
                arguments("a\u0000b", 0, false),      // [MQTT-4.7.3-2]
                arguments("a/b/c", 3, true),          // max_topic_levels
                arguments("a/b/c/d", 3, false),
                arguments("/a/b", 3, true),
                arguments("a/b/", 2, false),
                arguments("a/b/c/d/e/f/g/h", 0, true));
    }

    @ParameterizedTest(name = "[MQTT-4.7.3] topic name \"{0}\" (max levels {1}) valid == {2}")
    @MethodSource("topicNames")
    void topicNameValidation(String topic, int maxLevels, boolean valid) {
        assertThat(Topics.isValidTopicName(topic, maxLevels)).isEqualTo(valid);
    }

    static Stream<Arguments> topicFilters() {
        return Stream.of(
                arguments("#", 0, true),
                arguments("+", 0, true),
                arguments("a/#", 0, true),
                arguments("a/+/b", 0, true),
                arguments("+/+", 0, true),
                arguments("/#", 0, true),
                arguments("//", 0, true),
                arguments("$SYS/#", 0, true),
                arguments("+/tennis/#", 0, true),
                arguments("a/#/b", 0, false),         // [MQTT-4.7.1-2] '#' must be last
                arguments("a#", 0, false),            // [MQTT-4.7.1-2] '#' must be a whole level
                arguments("#a", 0, false),
                arguments("a/##", 0, false),
                arguments("a+", 0, false),            // [MQTT-4.7.1-3] '+' must be a whole level
                arguments("+a", 0, false),
                arguments("a/b+/c", 0, false),
                arguments("++", 0, false),
                arguments("", 0, false),              // [MQTT-4.7.3-1]
                arguments("a/\u0000", 0, false),      // [MQTT-4.7.3-2]
                arguments("a/+/#", 3, true),          // max_topic_levels
                arguments("a/+/#", 2, false),
                arguments("a/b/c/d", 3, false));
    }

    @ParameterizedTest(name = "[MQTT-4.7.1] filter \"{0}\" (max levels {1}) valid == {2}")
    @MethodSource("topicFilters")
    void topicFilterValidation(String filter, int maxLevels, boolean valid) {
        assertThat(Topics.isValidFilter(filter, maxLevels)).isEqualTo(valid);
    }
}
