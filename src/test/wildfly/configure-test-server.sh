#!/usr/bin/env bash
# Configures an unpacked WildFly (argument: its home) for the Arquillian ITs the way
# server-config/wildfly/mqttee.cli and the README tell an administrator to, once per unpacked server:
#  - the application users ContainerAuthIT logs in with: bin/add-user.sh -a;
#  - undertow's allow-encoded-slash, so that GET /api/v1/routes/foo%2f1 reaches the API
#    (test-server.cli, applied offline with jboss-cli's embedded server).
set -euo pipefail
home="$1"
here="$(cd "$(dirname "$0")" && pwd)"
config="$home/standalone/configuration"

users_marker="$config/.mqttee-test-users"
if [ ! -f "$users_marker" ]; then
    # -a: application realm (application-users.properties / application-roles.properties); -g: roles.
    bash "$home/bin/add-user.sh" -a -s -u mqttee-admin -p 'Admin-pass-1' -g mqtt-admin
    bash "$home/bin/add-user.sh" -a -s -u mqttee-viewer -p 'Viewer-pass-1' -g guest
    touch "$users_marker"
fi

cli_marker="$config/.mqttee-test-cli"
if [ ! -f "$cli_marker" ] || [ "$here/test-server.cli" -nt "$cli_marker" ]; then
    JAVA_OPTS="-Xmx256m" bash "$home/bin/jboss-cli.sh" --file="$here/test-server.cli"
    touch "$cli_marker"
fi
