"""The coach's keymap (issue 8 point 4): config.toml rebinds any key by its binding's id.

A bad file or an unknown id is said in one notice naming the file and the field; the session
goes on with the usual keys, and the known ids still apply.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_live import Clock, live_app, new_session, settle, settle_loaded, sync

from companion.core.protocols import ProtocolLibrary
from companion.services.config import ConfigError, config_path, load_config
from companion.store import Store
from companion.tui.dialogs.forms import AgreementForm
from companion.tui.screens.live import LiveScreen
from companion.tui.widgets.keys_help import KeysHelp


def write_config(text: str) -> Path:
    path = config_path()  # in the test's own XDG_CONFIG_HOME (conftest)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(notice.message) for notice in app._notifications]


# -- reading the file ---------------------------------------------------------------------------


def test_no_file_is_no_keymap() -> None:
    assert not config_path().exists()
    assert load_config().keymap == {}


def test_a_keymap_is_read_as_written() -> None:
    write_config('[keymap]\n"live.agreement" = "f6"\n"live.next-step" = "ctrl+n, ctrl+down"\n')
    assert load_config().keymap == {"live.agreement": "f6", "live.next-step": "ctrl+n,ctrl+down"}


def test_other_settings_are_left_for_later() -> None:
    write_config('[recap]\nformat = "text"\n[keymap]\n"live.agreement" = "f6"\n')
    assert load_config().keymap == {"live.agreement": "f6"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[keymap\n", "not valid TOML"),
        ('keymap = "f6"\n', "keymap: must be a table"),
        ('[keymap]\nagreement = "f6"\n', "keymap.agreement: not a binding id"),
        ('[keymap]\n"live.agreement" = 6\n', "keymap.live.agreement: must be a string"),
        ('[keymap]\n"live.agreement" = "f6;rm"\n', "is not a comma-separated list of keys"),
        ('[keymap]\n"live.agreement" = ""\n', "is not a comma-separated list of keys"),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "config.toml"),
    ],
)
def test_a_bad_file_names_the_file_and_the_field(text: str, problem: str) -> None:
    path = write_config(text)
    with pytest.raises(ConfigError) as raised:
        load_config()
    message = str(raised.value)
    assert message.startswith(f"{path}:") and problem in message
    assert "\n" not in message


def test_a_file_that_is_not_text_is_refused() -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xfe[keymap]")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config()


# -- in the app ---------------------------------------------------------------------------------


@sync
async def test_a_rebound_key_works_and_f1_shows_it(
    store: Store, protocols: ProtocolLibrary
) -> None:
    write_config('[keymap]\n"live.agreement" = "f6"\n')
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_loaded(pilot, app)
        assert app.keymap == {"live.agreement": "f6"}
        await pilot.press("f2")  # the old key no longer opens the agreement
        await settle(pilot, app)
        assert isinstance(app.screen, LiveScreen)
        await pilot.press("f6")
        await settle(pilot, app)
        assert isinstance(app.screen, AgreementForm)
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("f1")
        await settle(pilot, app)
        assert isinstance(app.screen, KeysHelp)
        listed = dict(app.screen.keys)
        assert listed["f6"].startswith("Agreement")
        assert "f2" not in listed


@sync
async def test_an_unknown_id_is_said_and_the_rest_applies(
    store: Store, protocols: ProtocolLibrary
) -> None:
    write_config('[keymap]\n"live.agreemnt" = "f7"\n"live.agreement" = "f6"\n')
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_loaded(pilot, app)
        said = " ".join(notices(app))
        assert "live.agreemnt" in said and "config.toml" in said
        await pilot.press("f6")
        await settle(pilot, app)
        assert isinstance(app.screen, AgreementForm)


@sync
async def test_a_bad_file_is_said_and_the_usual_keys_apply(
    store: Store, protocols: ProtocolLibrary
) -> None:
    write_config("[keymap\n")
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_loaded(pilot, app)
        said = " ".join(notices(app))
        assert "config.toml: not valid TOML" in said and "usual keys apply" in said
        await pilot.press("f2")
        await settle(pilot, app)
        assert isinstance(app.screen, AgreementForm)


@sync
async def test_f1_on_home_and_in_the_review_lists_their_keys(
    store: Store, protocols: ProtocolLibrary
) -> None:
    """F1 works on every screen, not only the live one: the screen's keys and those of the
    widget with the focus (home's name box has it on launch), rebound ones as rebound."""
    from test_review import settle as settle_review

    from companion.tui.factory import OpenHome, OpenReview, build_app

    write_config('[keymap]\n"home.review" = "ctrl+v"\n')
    for opening, wanted in ((OpenHome(), "Review"), (OpenReview(), "Search")):
        app = build_app(opening, store, protocols)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle_review(pilot)
            screen = app.screen
            await pilot.press("f1")
            await settle_review(pilot)
            assert isinstance(app.screen, KeysHelp)
            listed = {what.split(":")[0]: key for key, what in app.screen.keys}
            assert wanted in listed and "Keys" in listed and "Quit" in listed
            if wanted == "Review":
                assert listed["Review"] == "^v"  # the keymap's key
                assert "Clear" in listed  # the name box's own Escape
            await pilot.press("f1")  # F1 again closes it
            await settle_review(pilot)
            assert app.screen is screen
