package io.mqttee.management;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON keys that RMQTT writes as {@code null} must be written the same by every server's JSON-B.
 * Yasson (Tomcat-ready WAR, WildFly) reads {@code @JsonbNillable} on the property; Johnzon (TomEE 9)
 * takes a property's nillability from its {@code @JsonbProperty} alone when it has one and ignores
 * {@code @JsonbNillable}, so each such key needs both ({@code ApiClientsIT} and {@code ApiAdminIT}
 * check the keys on all three servers; this catches a new DTO field before they run).
 */
class NillableFieldsTest {

    @Test
    @SuppressWarnings("deprecation")
    void everyNillableKeySaysSoInItsJsonbPropertyToo() throws Exception {
        List<String> nillable = new ArrayList<>();
        for (Class<?> dto : managementRecords()) {
            assertThat(dto.isAnnotationPresent(JsonbNillable.class))
                    .as("%s: @JsonbNillable on a type is ignored by Johnzon; put it on the keys", dto.getName())
                    .isFalse();
            for (RecordComponent c : dto.getRecordComponents()) {
                // the annotations target fields (not record components): they land on the field
                Field field = dto.getDeclaredField(c.getName());
                JsonbProperty property = field.getAnnotation(JsonbProperty.class);
                boolean viaNillable = field.isAnnotationPresent(JsonbNillable.class);
                boolean viaProperty = property != null && property.nillable();
                assertThat(viaProperty).as("%s.%s: @JsonbNillable and @JsonbProperty(nillable = true) go together",
                        dto.getSimpleName(), c.getName()).isEqualTo(viaNillable);
                if (viaNillable) {
                    nillable.add(dto.getSimpleName() + "." + property.value());
                }
            }
        }
        assertThat(nillable).containsExactlyInAnyOrder("SubscriptionDto.client_addr", "SubscriptionDto.share",
                "RetainDto.msg_id", "PluginDto.version", "PluginDto.descr", "PluginDto.attrs");
    }

    private static List<Class<?>> managementRecords() throws IOException, URISyntaxException {
        Path dir = Paths.get(ManagementApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(ManagementApplication.class.getPackageName().replace('.', '/'));
        List<Class<?>> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String binaryName = f.getFileName().toString().replace(".class", "");
                try {
                    Class<?> c = Class.forName(ManagementApplication.class.getPackageName() + "." + binaryName);
                    if (c.isRecord()) {
                        records.add(c);
                    }
                } catch (ClassNotFoundException e) {
                    throw new AssertionError(e);
                }
            }
        }
        assertThat(records).as("the management DTOs").isNotEmpty();
        return records;
    }
}
