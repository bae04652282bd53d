"""The deployment files are consistent (no Docker engine here to run them)."""
from __future__ import annotations

import re

import yaml

from tests.auxil.stack import ROOT

DEPLOY = ROOT / "deploy"
STORES = {"action_endpoint", "lock_store", "tracker_store"}


def _yaml(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _variables(path):
    """The ${NAMES} a template uses (comments aside)."""
    lines = (line for line in path.read_text(encoding="utf-8").splitlines()
             if not line.lstrip().startswith("#"))
    return set(re.findall(r"\$\{(\w+)\}", "\n".join(lines)))


def test_scale_endpoints_differ_from_the_default_only_in_the_stores():
    default, scale = _yaml(ROOT / "endpoints.yml"), _yaml(DEPLOY / "endpoints.scale.yml")
    assert {k: v for k, v in scale.items() if k not in STORES} == \
        {k: v for k, v in default.items() if k not in STORES}
    assert scale["lock_store"]["type"] == "rasa_ext.lock_store.AtomicRedisLockStore"
    assert scale["tracker_store"]["dialect"] == "postgresql"


def test_compose_runs_every_role_and_fills_every_endpoint_variable():
    compose = _yaml(DEPLOY / "docker-compose.yml")
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "rasa1", "rasa2", "actions1", "actions2", "console",
            "nginx"} <= set(services)
    endpoint_vars = _variables(DEPLOY / "endpoints.scale.yml")
    for name in ("rasa1", "rasa2"):
        assert endpoint_vars <= set(services[name]["environment"]), name
        assert "deploy/endpoints.scale.yml" in " ".join(services[name]["command"])
    assert _variables(DEPLOY / "nginx" / "balancer.conf.template") <= set(services["nginx"]["environment"])
    assert not (DEPLOY / ".env").exists(), "secrets stay out of the repository"


def test_the_rasa_servers_and_the_console_share_the_customers_photos():
    services = _yaml(DEPLOY / "docker-compose.yml")["services"]
    for name in ("rasa1", "rasa2", "console"):
        assert services[name]["environment"]["FILE_STORE_URL"].endswith("/app/var/files}"), name
        assert "customer-files:/app/var/files" in services[name]["volumes"], name


def test_the_action_servers_are_reachable_only_inside_the_compose_network():
    services = _yaml(DEPLOY / "docker-compose.yml")["services"]
    for name in ("actions1", "actions2"):
        assert "ports" not in services[name], f"{name} has no authentication: publish no port"
        assert services[name]["command"][:3] == ["python", "-m", "actions"], name


def _commented_channels(path):
    """The channels' entries commented out (WeChat, Telegram), line by line."""
    return {line for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("#   ") or line.startswith("# channels.")}


def test_production_has_no_rest_channel_and_otherwise_the_default_channels():
    default, production = _yaml(ROOT / "credentials.yml"), _yaml(DEPLOY / "credentials.yml")
    assert "channels.rest.RestInput" in default and "channels.rest.RestInput" not in production
    assert production == {name: entry for name, entry in default.items() if name != "channels.rest.RestInput"}
    assert _commented_channels(ROOT / "credentials.yml") == _commented_channels(DEPLOY / "credentials.yml")
    services = _yaml(DEPLOY / "docker-compose.yml")["services"]
    for name in ("rasa1", "rasa2"):
        assert "--credentials deploy/credentials.yml" in " ".join(services[name]["command"]), name
        assert "WEBCHAT_SESSION_SECRET" in services[name]["environment"], "one secret signs every server's sessions"
        assert "REST_CHANNEL_TOKEN" not in services[name]["environment"]
    assert "migrate-sender-ids" in " ".join(services["migrate"]["command"])
