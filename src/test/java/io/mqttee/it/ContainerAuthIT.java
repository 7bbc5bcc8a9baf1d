package io.mqttee.it;

import io.mqttee.management.ContainerAuthFilter;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management API protected by the container's own users and roles: the packaged WAR with
 * container authentication switched on ({@code mqttee.api.container_auth=true}, here as a context
 * parameter from a {@code web-fragment.xml} in an added jar, so that it is on for this deployment
 * only), logged in against the server's realm:
 * <ul>
 * <li>WildFly: application users added with {@code add-user.sh -a} (src/test/wildfly/add-test-users.sh);</li>
 * <li>TomEE: {@code conf/tomcat-users.xml} (src/test/tomee/conf) through the server's UserDatabaseRealm;</li>
 * <li>embedded Tomcat: the same {@code tomcat-users.xml} read by a MemoryRealm in the test archive's
 *     {@code META-INF/context.xml} (the embedded container has no server-wide realm to configure).</li>
 * </ul>
 */
@ExtendWith({FreePorts.class, ArquillianExtension.class})
class ContainerAuthIT {

    static final String USERS_FILE = "src/test/tomee/conf/tomcat-users.xml";
    static final String ADMIN = "mqttee-admin:Admin-pass-1";
    static final String VIEWER = "mqttee-viewer:Viewer-pass-1";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive war() {
        WebArchive war = DeploymentIT.packagedWar("mqttee-auth.war");
        war.addAsLibrary(ShrinkWrap.create(JavaArchive.class, "mqttee-container-auth-on.jar")
                .addAsManifestResource(new StringAsset("""
                        <web-fragment xmlns="https://jakarta.ee/xml/ns/jakartaee" version="5.0">
                            <name>mqttee_container_auth_on</name>
                            <context-param>
                                <param-name>%s</param-name>
                                <param-value>true</param-value>
                            </context-param>
                        </web-fragment>
                        """.formatted(ContainerAuthFilter.SWITCH)), "web-fragment.xml"));
        if (FreePorts.brokerInThisJvm()) {
            String users = new File(USERS_FILE).getAbsolutePath();
            war.addAsManifestResource(new StringAsset("""
                    <Context>
                        <Realm className="org.apache.catalina.realm.MemoryRealm" pathname="%s"/>
                    </Context>
                    """.formatted(users)), "context.xml");
        }
        return war;
    }

    private HttpResponse<String> get(String path, String credentials) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toExternalForm()).resolve("api/v1" + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutCredentialsIs401WithABasicChallenge() throws Exception {
        HttpResponse<String> r = get("/brokers", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWithIgnoringCase("Basic"));
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.body()).contains("\"code\":401");
    }

    @Test
    void wrongPasswordIs401() throws Exception {
        assertThat(get("/brokers", "mqttee-admin:not-the-password").statusCode()).isEqualTo(401);
    }

    @Test
    void aUserWithoutTheRoleIs403() throws Exception {
        HttpResponse<String> r = get("/brokers", VIEWER);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("\"code\":403").contains(ContainerAuthFilter.ROLE);
    }

    @Test
    void aUserWithTheRoleReadsTheApi() throws Exception {
        HttpResponse<String> r = get("/brokers", ADMIN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"node_id\":1");
        assertThat(get("", ADMIN).statusCode()).isEqualTo(200);
    }
}
