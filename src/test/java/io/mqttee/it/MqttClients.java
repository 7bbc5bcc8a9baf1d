package io.mqttee.it;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;


import java.util.ArrayList;
import java.util.List;

/** Real MQTT clients (Paho 3.1.1 and 5) against the deployment of the current test class; closed by {@link #close()}. */
final class MqttClients implements AutoCloseable {

    private final List<MqttClient> v3 = new ArrayList<>();
    private final List<org.eclipse.paho.mqttv5.client.MqttClient> v5 = new ArrayList<>();

    private static String server() {
        return "tcp://127.0.0.1:" + FreePorts.mqttPort();
    }

    /** A connected MQTT 3.1.1 client. */
    MqttClient v3(String clientId, boolean cleanSession, String username, int keepalive) throws MqttException {
        MqttClient c = new MqttClient(server(), clientId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(cleanSession);
        o.setKeepAliveInterval(keepalive);
        o.setConnectionTimeout(10);
        o.setAutomaticReconnect(false);
        if (username != null) {
            o.setUserName(username);
        }
        c.connect(o);
        v3.add(c);
        return c;
    }

    /** A connected MQTT 5 client. */
    org.eclipse.paho.mqttv5.client.MqttClient v5(String clientId, boolean cleanStart, long sessionExpiry,
                                                  String username) throws org.eclipse.paho.mqttv5.common.MqttException {
        org.eclipse.paho.mqttv5.client.MqttClient c =
                new org.eclipse.paho.mqttv5.client.MqttClient(server(), clientId, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(cleanStart);
        o.setSessionExpiryInterval(sessionExpiry);
        o.setConnectionTimeout(10);
        o.setAutomaticReconnect(false);
        if (username != null) {
            o.setUserName(username);
        }
        c.connect(o);
        v5.add(c);
        return c;
    }

    @Override
    public void close() {
        for (MqttClient c : v3) {
            try {
                if (c.isConnected()) {
                    c.disconnect(5000);
                }
                c.close();
            } catch (MqttException e) {
                // already gone
            }
        }
        for (org.eclipse.paho.mqttv5.client.MqttClient c : v5) {
            try {
                if (c.isConnected()) {
                    c.disconnect(5000);
                }
                c.close();
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                // already gone
            }
        }
    }
}
