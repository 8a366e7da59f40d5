"""The plugin registry: finding, ordering, registering, and switching plugins off."""

from __future__ import annotations

import logging
import sys
import types
from importlib.metadata import EntryPoint
from typing import Any

import click
import pytest
from flask import Blueprint, Flask
from openapi_spec_validator import validate

from academy.config import FIRST_PARTY_PLUGINS
from academy.core import plugins
from academy.core.api import api_blueprint
from academy.core.api.openapi import operation
from academy.core.plugins import Plugin, PluginError, enabled, find_plugin, is_enabled, resolve


def install(monkeypatch: pytest.MonkeyPatch, module_name: str, plugin: Any) -> None:
    """Make ``module_name`` importable, holding ``plugin``."""
    module = types.ModuleType(module_name)
    if plugin is not None:
        module.plugin = plugin  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module_name, module)


def fake(name: str, *requires: str, **kwargs: Any) -> Plugin:
    return Plugin(name=name, title=name.title(), requires=requires, **kwargs)


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, Plugin]:
    """Plugins that ``find_plugin`` knows, by name (fill it in the test)."""
    known: dict[str, Plugin] = {}

    def find(name: str) -> Plugin:
        if name not in known:
            raise PluginError(f"unknown plugin {name!r}")
        return known[name]

    monkeypatch.setattr(plugins, "find_plugin", find)
    return known


@pytest.fixture
def warnings_logged(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> pytest.LogCaptureFixture:
    # Alembic's logging set-up (migrations/env.py) disables loggers that exist already.
    monkeypatch.setattr(plugins.log, "disabled", False)
    caplog.set_level(logging.WARNING, logger=plugins.log.name)
    return caplog


# -- finding ------------------------------------------------------------------------------


def test_finds_a_first_party_style_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    alpha = fake("zz_alpha")
    install(monkeypatch, "academy.plugins.zz_alpha", alpha)
    assert find_plugin("zz_alpha") is alpha


def test_unknown_plugin_raises() -> None:
    with pytest.raises(PluginError, match="unknown plugin 'no_such_plugin'"):
        find_plugin("no_such_plugin")


@pytest.mark.parametrize("content", [None, "not a plugin", fake("another_name")])
def test_malformed_plugin_module_raises(monkeypatch: pytest.MonkeyPatch, content: Any) -> None:
    install(monkeypatch, "academy.plugins.zz_broken", content)
    with pytest.raises(PluginError, match="does not define a Plugin named 'zz_broken'"):
        find_plugin("zz_broken")


def test_a_plugin_missing_its_own_dependency_is_not_called_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_import = plugins.importlib.import_module

    def import_module(name: str, package: str | None = None) -> Any:
        if name == "academy.plugins.zz_needy":
            raise ModuleNotFoundError("No module named 'somelib'", name="somelib")
        return real_import(name, package)

    monkeypatch.setattr(plugins.importlib, "import_module", import_module)
    with pytest.raises(ModuleNotFoundError, match="somelib"):
        find_plugin("zz_needy")


def test_entry_point_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    external = fake("zz_external")
    install(monkeypatch, "zz_vendor_plugin", external)
    groups: list[str] = []

    def entry_points(*, group: str) -> list[EntryPoint]:
        groups.append(group)
        return [EntryPoint(name="zz_external", value="zz_vendor_plugin:plugin", group=group)]

    monkeypatch.setattr(plugins, "entry_points", entry_points)
    assert find_plugin("zz_external") is external
    assert groups == ["academy.plugins"]


def test_entry_point_must_name_its_plugin_rightly(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, "zz_vendor_wrong", fake("something_else"))
    monkeypatch.setattr(
        plugins,
        "entry_points",
        lambda *, group: [EntryPoint(name="zz_wrong", value="zz_vendor_wrong:plugin", group=group)],
    )
    with pytest.raises(PluginError):
        find_plugin("zz_wrong")


def test_first_party_plugins_are_found() -> None:
    for name in FIRST_PARTY_PLUGINS:
        assert find_plugin(name).name == name


# -- resolving requirements ---------------------------------------------------------------


def names(resolved: list[Plugin]) -> list[str]:
    return [plugin.name for plugin in resolved]


def test_requirements_come_first(registry: dict[str, Plugin]) -> None:
    registry.update(a=fake("a"), b=fake("b", "a"), c=fake("c", "b", "a"))
    assert names(resolve(["c", "b", "a"])) == ["a", "b", "c"]
    assert names(resolve(["a", "a", "b"])) == ["a", "b"]


def test_plugin_whose_requirement_is_disabled_is_left_out(
    registry: dict[str, Plugin], warnings_logged: pytest.LogCaptureFixture
) -> None:
    registry.update(a=fake("a"), b=fake("b", "a"), c=fake("c", "b"), d=fake("d"))
    assert names(resolve(["c", "b", "d"])) == ["d"]
    messages = [record.getMessage() for record in warnings_logged.records]
    assert "plugin b left out: it requires a" in messages
    assert "plugin c left out: it requires b" in messages
    assert all(record.levelno == logging.WARNING for record in warnings_logged.records)


def test_cycles_are_left_out(
    registry: dict[str, Plugin], warnings_logged: pytest.LogCaptureFixture
) -> None:
    registry.update(x=fake("x", "y"), y=fake("y", "x"), me=fake("me", "me"), ok=fake("ok"))
    assert names(resolve(["x", "y", "me", "ok"])) == ["ok"]
    logged = " ".join(record.getMessage() for record in warnings_logged.records)
    assert "plugin x left out" in logged and "plugin me left out" in logged


def test_unknown_name_in_the_list_raises(registry: dict[str, Plugin]) -> None:
    registry.update(a=fake("a"))
    with pytest.raises(PluginError):
        resolve(["a", "ghost"])


# -- registering on an application --------------------------------------------------------


def full_plugin(calls: list[Flask]) -> Plugin:
    """A plugin using every hook: pages, API, CLI, set-up and navigation."""
    bp = Blueprint("zz_full", __name__, url_prefix="/zz-full")
    bp.add_url_rule("/", "index", lambda: "full plugin page")
    api = api_blueprint("zz_full", __name__)

    @api.get("/zz-full/ping")
    @operation("Ping the full plugin", tag="zz", public=True)
    def ping() -> dict[str, str]:
        return {"pong": "yes"}

    group = click.Group("zz-full", help="The full plugin's commands.")
    group.add_command(click.Command("hello", callback=lambda: click.echo("hello from zz")))
    return fake(
        "zz_full",
        blueprint=bp,
        api_blueprint=api,
        cli=group,
        setup=calls.append,
        nav=(("zz_full.index", "Full plugin", None),),
    )


def test_registered_plugin_contributes_everything(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Flask] = []
    install(monkeypatch, "academy.plugins.zz_full", full_plugin(calls))
    application = make_app(plugins=["zz_full"])
    assert calls == [application]
    assert is_enabled(application, "zz_full") and list(enabled(application)) == ["zz_full"]
    client = application.test_client()
    assert client.get("/zz-full/").get_data(as_text=True) == "full plugin page"
    assert client.get("/api/v1/zz-full/ping").get_json() == {"pong": "yes"}
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/zz-full/ping" in document["paths"]
    assert 'href="/zz-full/"' in client.get("/").get_data(as_text=True)
    with application.app_context():
        result = application.test_cli_runner().invoke(args=["zz-full", "hello"])
    assert result.output.strip() == "hello from zz"


def test_plugin_with_missing_requirement_is_not_registered(
    make_app: Any, monkeypatch: pytest.MonkeyPatch, warnings_logged: pytest.LogCaptureFixture
) -> None:
    calls: list[Flask] = []
    full = full_plugin(calls)
    install(
        monkeypatch, "academy.plugins.zz_full", Plugin(**{**full.__dict__, "requires": ("zz_off",)})
    )
    application = make_app(plugins=["zz_full"])
    assert calls == []
    assert not is_enabled(application, "zz_full")
    assert "zz_full" not in application.blueprints
    assert application.test_client().get("/zz-full/").status_code == 404


def test_unknown_plugin_stops_the_app_factory(make_app: Any) -> None:
    with pytest.raises(PluginError):
        make_app(migrate=False, plugins=["no_such_plugin"])


def assert_app_works(application: Flask) -> None:
    client = application.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/healthz").get_json() == {"status": "ok"}
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    validate(response.get_json())


def test_app_starts_without_any_plugin(make_app: Any) -> None:
    application = make_app(plugins=[])
    assert enabled(application) == {}
    assert_app_works(application)


@pytest.mark.parametrize("left_out", [None, *FIRST_PARTY_PLUGINS])
def test_app_starts_with_each_first_party_plugin_left_out(
    make_app: Any, left_out: str | None
) -> None:
    wanted = [name for name in FIRST_PARTY_PLUGINS if name != left_out]
    application = make_app(plugins=wanted)
    assert set(enabled(application)) <= set(wanted)
    if left_out is not None:
        assert left_out not in application.blueprints
    assert_app_works(application)
