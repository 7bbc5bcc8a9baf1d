package io.mqttee.management;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerAuthFilterTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void offByDefault() {
        assertThat(ContainerAuthFilter.isSwitchedOn(null, k -> null, NO_ENV)).isFalse();
    }

    @Test
    void contextParameterThenSystemPropertyThenEnvironmentDecide() {
        assertThat(ContainerAuthFilter.isSwitchedOn("true", k -> "false", NO_ENV)).isTrue();
        assertThat(ContainerAuthFilter.isSwitchedOn("false", k -> "true", NO_ENV)).isFalse();
        assertThat(ContainerAuthFilter.isSwitchedOn(null, k -> k.equals(ContainerAuthFilter.SWITCH) ? "TRUE" : null, NO_ENV)).isTrue();
        assertThat(ContainerAuthFilter.isSwitchedOn("", k -> null, Map.of(ContainerAuthFilter.SWITCH_ENV, "true"))).isTrue();
        assertThat(ContainerAuthFilter.isSwitchedOn(null, k -> "false", Map.of(ContainerAuthFilter.SWITCH_ENV, "true"))).isFalse();
    }

    @Test
    void anUnreadableValueKeepsTheApiProtected() {
        assertThat(ContainerAuthFilter.isSwitchedOn("yes please", k -> null, NO_ENV)).isTrue();
    }

    @Test
    void basicCredentials() {
        assertThat(ContainerAuthFilter.basicCredentials("Basic dXNlcjpwYTpzcw==")).containsExactly("user", "pa:ss");
        assertThat(ContainerAuthFilter.basicCredentials("basic dXNlcjpwYTpzcw==")).containsExactly("user", "pa:ss");
        assertThat(ContainerAuthFilter.basicCredentials("Bearer abc")).isNull();
        assertThat(ContainerAuthFilter.basicCredentials("Basic !!!")).isNull();
        assertThat(ContainerAuthFilter.basicCredentials("Basic dXNlcg==")).isNull(); // "user", no colon
        assertThat(ContainerAuthFilter.basicCredentials(null)).isNull();
    }

    @Test
    void errorMessagesAreJsonStrings() {
        assertThat(ContainerAuthFilter.jsonString("user \"a\\b\"\n")).isEqualTo("\"user \\\"a\\\\b\\\"\\u000a\"");
    }
}
