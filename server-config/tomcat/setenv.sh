# MQTTee on Tomcat 10.1 / TomEE 9: copy to $CATALINA_BASE/bin/setenv.sh (catalina.sh reads it).
# Tomcat: deploy target/mqttee-tomcat.war (Jersey, Weld, Yasson inside).
# TomEE:  deploy the thin target/mqttee.war (TomEE brings CXF, OpenWebBeans, Johnzon).

# The broker configuration file (server-config/mqttee.toml is a complete example).
CATALINA_OPTS="$CATALINA_OPTS -Dmqttee.config=/etc/mqttee/mqttee.toml"
# Any single key can be set here too, e.g. the MQTT address:
# CATALINA_OPTS="$CATALINA_OPTS -Dmqttee.listener.tcp.external.addr=0.0.0.0:1883"

# true: /api/v1 requires a user of the server's realm (conf/tomcat-users.xml) with the role
# mqtt-admin, BASIC authentication.
CATALINA_OPTS="$CATALINA_OPTS -Dmqttee.api.container_auth=true"

# Netty's buffer leak detection (on by default, "simple") costs the broker about a fifth of its
# throughput; the embedded launcher turns it off, here it is the server's choice (JVM-wide):
# CATALINA_OPTS="$CATALINA_OPTS -Dio.netty.leakDetection.level=disabled"

# Lets Tomcat's leak detection check what the web application leaves behind on undeploy (Java 17).
CATALINA_OPTS="$CATALINA_OPTS --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED"
export CATALINA_OPTS
