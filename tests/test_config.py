"""scorecards.toml with environment overrides; the bundled example is a valid configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from scorecards.flows.config import Config, load_config

EXAMPLE = Path(__file__).resolve().parents[1] / "scorecards.example.toml"


def test_defaults_without_a_file(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.toml", environ={}) == Config()


def test_file_then_environment(tmp_path: Path) -> None:
    path = tmp_path / "scorecards.toml"
    path.write_text('[scorecards]\ninbox = "/data/inbox"\nworkers = 2\nocr = false\n')
    config = load_config(path, environ={"SCORECARDS_WORKERS": "4", "SCORECARDS_SCHEDULE": "30 1 * * 1-5"})
    assert (config.inbox, config.workers, config.ocr, config.schedule) == ("/data/inbox", 4, False, "30 1 * * 1-5")
    assert config.extract_settings() == {"ocr": False, "conversion_timeout": 120.0, "parser": "pdfium"}


def test_the_page_parser_is_chosen_in_the_file_or_the_environment_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "scorecards.toml"
    path.write_text('[scorecards]\nparser = "pdfminer"\n')
    assert load_config(path, environ={}).extract_settings()["parser"] == "pdfminer"
    assert load_config(path, environ={"SCORECARDS_PARSER": "pdfium"}).parser == "pdfium"
    path.write_text('[scorecards]\nparser = "mupdf"\n')
    with pytest.raises(ValueError, match="mupdf"):
        load_config(path, environ={})


def test_where_runs_validate_is_chosen_and_checked_when_the_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "scorecards.toml"
    path.write_text('[scorecards]\nvalidator = "in-process"\nvalidator_idle = 60\n')
    settings = load_config(path, environ={}).ingest_settings()
    assert (settings["validator"], settings["validator_idle"]) == ("in-process", 60)
    assert load_config(path, environ={"SCORECARDS_VALIDATOR": "service"}).validator == "service"
    assert Config().validator == "service"  # the CLI's default: Great Expectations kept warm between runs
    path.write_text('[scorecards]\nvalidator = "servise"\n')
    with pytest.raises(ValueError, match="validator must be one of in-process, service, not 'servise'"):
        load_config(path, environ={})
    path.write_text("[scorecards]\nvalidator_idle = 0\n")
    with pytest.raises(ValueError, match="validator_idle"):
        load_config(path, environ={})


def test_a_misspelt_setting_is_an_error_not_ignored(tmp_path: Path) -> None:
    path = tmp_path / "scorecards.toml"
    path.write_text("[scorecards]\nworker = 2\n")
    with pytest.raises(ValueError, match="worker"):
        load_config(path, environ={})


def test_the_example_file_loads() -> None:
    assert load_config(EXAMPLE, environ={}) == Config()


def test_a_misspelt_setting_is_an_error_naming_it_in_every_section() -> None:
    """As pdfplumber's TableSettings does: the API never ignores a key it does not know."""
    import pytest
    from scorecards.extractors.settings import resolve as check_settings

    import scorecards

    with pytest.raises(ValueError, match="'ocr_optoins'"):
        check_settings({"ocr_optoins": {"dpi": 200}})
    with pytest.raises(ValueError, match=r"ocr_options\.dpii \(known in ocr_options: .*dpi"):
        check_settings({"ocr_options": {"dpii": 200}})
    with pytest.raises(ValueError, match=r"layer_options\.min_word_rat"):
        check_settings({"layer_options": {"min_word_rat": 0.5}})
    with pytest.raises(ValueError, match="'camelott'"):
        scorecards.inspect("no-such-file.pdf", camelott="never")  # checked before the file is opened
    check_settings({"ocr": False, "camelot": "never", "ocr_options": {"dpi": 200}, "batch": 4})
