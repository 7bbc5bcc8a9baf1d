package io.mqttee.management;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BuildInfoTest {

    @Test
    void versionComesFromTheFilteredBuildProperties() {
        // Filled in by Maven from the POM: a version, not the raw placeholder nor the fallback.
        assertThat(BuildInfo.version()).matches("\\d+\\.\\d+\\.\\d+.*").doesNotContain("${");
    }
}
