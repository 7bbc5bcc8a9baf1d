package io.mqttee.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deploys and undeploys the packaged WAR inside the tests ({@code managed = false}) to check what
 * is left afterwards: after undeploy the MQTT port is free again and no broker thread is alive;
 * when the broker cannot start, the deployment fails and leaves no broker thread either; deploy →
 * undeploy works again and again.
 *
 * <p>Broker threads can only be seen when the broker runs in this JVM (embedded Tomcat); in a
 * managed WildFly or TomEE those checks are skipped (the server's threads are in its own JVM), the
 * port and API checks still apply.
 */
@ExtendWith({FreePorts.class, ArquillianExtension.class})
class UndeployIT {

    private static final String DEPLOYMENT = "undeploy";
    /** The archive name, hence the context path {@code /mqttee-undeploy}. */
    private static final String ARCHIVE = "mqttee-undeploy.war";

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static WebArchive war() {
        return DeploymentIT.packagedWar(ARCHIVE);
    }

    private static URI brokersUri() {
        return URI.create("http://127.0.0.1:" + FreePorts.httpPort() + "/mqttee-undeploy/api/v1/brokers");
    }

    @Test
    void undeployFreesTheMqttPortAndStopsEveryBrokerThread() throws Exception {
        int mqttPort = FreePorts.mqttPort();
        Set<Thread> before = Probes.brokerThreads();

        deployer.deploy(DEPLOYMENT);
        boolean undeployed = false;
        try {
            assertThat(Probes.connectReturnCode(mqttPort, "it-undeploy")).isZero();
            assertThat(Probes.status(brokersUri())).isEqualTo(200);
            if (FreePorts.brokerInThisJvm()) {
                Set<Thread> started = new HashSet<>(Probes.brokerThreads());
                started.removeAll(before);
                assertThat(Probes.names(started)).as("broker threads started by the deployment")
                        .anyMatch(n -> n.startsWith("mqttee-accept"))
                        .anyMatch(n -> n.startsWith("mqttee-io"));
            }
            assertThat(Probes.canBind(mqttPort)).as("MQTT port taken while deployed").isFalse();

            deployer.undeploy(DEPLOYMENT);
            undeployed = true;
        } finally {
            if (!undeployed) {
                deployer.undeploy(DEPLOYMENT);
            }
        }

        assertThat(Probes.canBind(mqttPort)).as("MQTT port %d free after undeploy", mqttPort).isTrue();
        assertNoBrokerThreadLeft(before, "after undeploy");
        assertThat(Probes.status(brokersUri())).as("API after undeploy").isEqualTo(404);
    }

    @Test
    void deployUndeployThreeTimes() throws Exception {
        int mqttPort = FreePorts.mqttPort();
        Set<Thread> before = Probes.brokerThreads();
        for (int round = 1; round <= 3; round++) {
            deployer.deploy(DEPLOYMENT);
            try {
                assertThat(Probes.connectReturnCode(mqttPort, "it-redeploy-" + round)).as("CONNACK, round %d", round).isZero();
                assertThat(Probes.status(brokersUri())).as("API, round %d", round).isEqualTo(200);
            } finally {
                deployer.undeploy(DEPLOYMENT);
            }
            assertThat(Probes.canBind(mqttPort)).as("MQTT port free after undeploy, round %d", round).isTrue();
            assertThat(Probes.status(brokersUri())).as("API after undeploy, round %d", round).isEqualTo(404);
            assertNoBrokerThreadLeft(before, "after undeploy, round " + round);
        }
    }

    /** Embedded Tomcat only: no thread named mqttee-* other than those alive {@code before}. */
    private static void assertNoBrokerThreadLeft(Set<Thread> before, String when) {
        if (!FreePorts.brokerInThisJvm()) {
            return; // the broker's threads live in the managed server's JVM: not visible from here
        }
        Set<Thread> left = new HashSet<>(Probes.brokerThreads());
        left.removeAll(before);
        assertThat(Probes.names(left)).as("broker threads alive %s", when).isEmpty();
    }

    @Test
    void aBrokerThatCannotBindFailsTheDeploymentAndLeavesNothingRunning() throws Exception {
        int mqttPort = FreePorts.mqttPort();
        Set<Thread> before = Probes.brokerThreads();
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), mqttPort));
            try {
                // Embedded Tomcat logs the failed start instead of throwing; other containers throw.
                deployer.deploy(DEPLOYMENT);
            } catch (Exception deploymentFailed) { // Arquillian's DeploymentException is a checked one
                // equally fine: the container reported the failure
            }
            try {
                assertThat(Probes.status(brokersUri())).as("API of a failed deployment").isEqualTo(404);
                assertNoBrokerThreadLeft(before, "after a failed start");
            } finally {
                deployer.undeploy(DEPLOYMENT);
            }
        }
        assertThat(Probes.canBind(mqttPort)).isTrue();
    }
}
