#!/usr/bin/env bash
# Rolls out the image the deploy workflow built: deploy.sh IMAGE ENVIRONMENT.
# Replace the body with your platform's roll-out (kubectl, Helm, Cloud Run, ECS...).
# It must exit non-zero when the roll-out fails: the workflow then records the
# deployment as failed, which the portal counts in the change failure rate.
set -euo pipefail
image="$1"
environment="$2"
echo "deploying ${image} to ${environment}: no roll-out configured yet (see deploy.sh)"
