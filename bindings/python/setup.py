"""Everything is in pyproject.toml; this only tags the wheel.

With the release library copied into src/sello/ (`make dist` does that) the wheel is a platform
wheel, `py3-none-<platform>` (any Python 3: ctypes, no extension module; one platform: the
library), which auditwheel then turns into a manylinux wheel. Without it — a checkout, the sdist —
the wheel is the binding alone, which finds the library through SELLO_LIB or the system.
"""

from pathlib import Path
from typing import Any, Dict, Tuple

from setuptools import Distribution, setup

BUNDLED = any((Path(__file__).resolve().parent / "src" / "sello").glob("libsello.so*"))


class BinaryDistribution(Distribution):
    def has_ext_modules(self) -> bool:  # a platform wheel (platlib) when it carries the library
        return BUNDLED


cmdclass: Dict[str, Any] = {}
if BUNDLED:
    try:
        from setuptools.command.bdist_wheel import bdist_wheel
    except ImportError:  # setuptools < 70.1
        from wheel.bdist_wheel import bdist_wheel  # type: ignore[no-redef]

    class PlatformWheel(bdist_wheel):  # type: ignore[misc,valid-type]
        def get_tag(self) -> Tuple[str, str, str]:
            _, _, platform = super().get_tag()
            return "py3", "none", platform

    cmdclass["bdist_wheel"] = PlatformWheel

setup(distclass=BinaryDistribution, cmdclass=cmdclass)
