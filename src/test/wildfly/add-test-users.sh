#!/usr/bin/env bash
# Adds the application users ContainerAuthIT logs in with to an unpacked WildFly (argument: its
# home), the way an administrator would: bin/add-user.sh -a. Runs once per unpacked server.
set -euo pipefail
home="$1"
marker="$home/standalone/configuration/.mqttee-test-users"
[ -f "$marker" ] && exit 0
# -a: application realm (application-users.properties / application-roles.properties); -g: roles.
bash "$home/bin/add-user.sh" -a -s -u mqttee-admin -p 'Admin-pass-1' -g mqtt-admin
bash "$home/bin/add-user.sh" -a -s -u mqttee-viewer -p 'Viewer-pass-1' -g guest
touch "$marker"
