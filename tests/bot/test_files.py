"""The file store keeps photos and voice messages by what their bytes are, within the limits of
config/files.yml, and hands back exactly what it kept; nothing else gets in or out."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bot.files import (
    Directory, FileLimits, FileMissing, FileStore, Refused, file_store_from_settings, load_file_limits, sniff,
)
from bot.settings import REPO_ROOT, Settings
from tests.auxil.fake_s3 import fake_s3

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
OGG = b"OggS\x00\x02" + b"\x00" * 32
AMR = b"#!AMR\n" + b"\x3c" * 32
MP3 = b"ID3\x04\x00" + b"\x00" * 32
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + b"\x00" * 32


@pytest.fixture
def files(tmp_path: Path) -> FileStore:
    return FileStore(Directory(tmp_path / "files"), load_file_limits())


@pytest.mark.parametrize("data, content_type", [
    (JPEG, "image/jpeg"), (PNG, "image/png"), (GIF, "image/gif"), (WEBP, "image/webp"),
    (OGG, "audio/ogg"), (AMR, "audio/amr"), (MP3, "audio/mpeg"), (M4A, "audio/mp4")])
def test_each_kept_type_is_recognised_by_its_bytes_and_comes_back_whole(files: FileStore, data: bytes,
                                                                       content_type: str):
    kept = files.put(data)
    assert (kept.content_type, kept.size) == (content_type, len(data))
    assert files.get(kept.key) == data


def test_the_same_photo_twice_is_kept_once_under_the_same_key(files: FileStore, tmp_path: Path):
    assert files.put(JPEG).key == files.put(JPEG).key
    assert len([p for p in (tmp_path / "files").rglob("*") if p.is_file()]) == 1


def test_kept_files_are_readable_by_their_owner_only(files: FileStore, tmp_path: Path):
    kept = files.put(PNG)
    [path] = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert path.name == kept.key and stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("data, why", [
    (b"", "empty"),
    (b"<html><script>alert(1)</script></html>", "type"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "type"),
    (b"%PDF-1.7\n", "type"),
    (b"MZ\x90\x00", "type"),
    (b"\x00\x00\x00\x20ftypisom" + b"\x00" * 32, "type"),  # an mp4 video, not m4a
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", "type"),
    (bytes(range(256)) * 4, "type"),
])
def test_hostile_or_unknown_bytes_are_refused_whatever_they_claim(files: FileStore, data: bytes, why: str):
    with pytest.raises(Refused) as refused:
        files.put(data)
    assert refused.value.why == why


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_kept(tmp_path: Path):
    files = FileStore(Directory(tmp_path), FileLimits(max_bytes=len(PNG), types=frozenset({"image/png"})))
    assert files.put(PNG).size == len(PNG)
    with pytest.raises(Refused) as refused:
        files.put(PNG + b"\x00")
    assert refused.value.why == "too_large"


def test_a_recognised_type_left_out_of_the_config_is_refused(tmp_path: Path):
    files = FileStore(Directory(tmp_path), FileLimits(max_bytes=1000, types=frozenset({"image/png"})))
    with pytest.raises(Refused):
        files.put(JPEG)


def test_the_configured_limit_is_ten_megabytes():
    assert load_file_limits().max_bytes == 10 * 1024 * 1024


@pytest.mark.parametrize("key", ["", "../../etc/passwd", "a" * 63, "A" * 64, "g" * 64, "0" * 64 + "/x",
                                 "/" + "0" * 63])
def test_keys_that_are_not_a_hash_or_not_kept_find_nothing(files: FileStore, key: str):
    with pytest.raises(FileMissing):
        files.get(key)


def test_a_polyglot_with_a_jpeg_start_is_kept_only_as_an_image():
    assert sniff(b"\xff\xd8\xff<html><script>alert(1)</script>") == "image/jpeg"


def test_the_store_is_var_files_unless_configured(tmp_path: Path):
    assert Settings.load({}).file_store_url == str(REPO_ROOT / "var" / "files")
    assert Settings.load({"FILE_STORE_URL": f"file://{tmp_path}"}).file_store_url == str(tmp_path)
    assert Settings.load({"FILE_STORE_URL": "data/x"}).file_store_url == str(REPO_ROOT / "data" / "x")
    assert Settings.load({"FILE_STORE_URL": "s3://complaints/photos"}).file_store_url == "s3://complaints/photos"
    for unusable in ("ftp://host/files", "s3://"):
        with pytest.raises(ValueError, match="FILE_STORE_URL"):
            Settings.load({"FILE_STORE_URL": unusable})


def test_a_bucket_keeps_the_files_when_file_store_url_names_one(monkeypatch: pytest.MonkeyPatch):
    """boto3 against an S3-compatible service (a fake one here), with the usual AWS variables."""
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test-secret",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    with fake_s3() as s3:
        settings = Settings.load({"FILE_STORE_URL": "s3://complaints/photos", "S3_ENDPOINT_URL": s3.url})
        files = file_store_from_settings(settings)
        kept = files.put(JPEG)
        assert s3.objects == {f"/complaints/photos/{kept.key}": JPEG}
        assert files.get(kept.key) == JPEG and kept.content_type == "image/jpeg"
        with pytest.raises(FileMissing):
            files.get("0" * 64)
        with pytest.raises(Refused):
            files.put(b"<html></html>")
        assert len(s3.objects) == 1
