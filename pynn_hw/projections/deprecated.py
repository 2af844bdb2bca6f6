"""The 0.6/0.7 methods of projections, kept working with a DeprecationWarning."""

from __future__ import annotations

from typing import Any

import numpy as np

from pynn_hw.deprecation import warn_deprecated as _warn


class DeprecatedProjectionMethods:
    """Old method names, each expressed through ``get``, ``set`` and ``save``."""

    def setWeights(self, w: Any) -> None:
        _warn("setWeights()", "set(weight=...)")
        self.set(weight=w)

    def randomizeWeights(self, rand_distr: Any) -> None:
        _warn("randomizeWeights()", "set(weight=RandomDistribution(...))")
        self.set(weight=rand_distr)

    def setDelays(self, d: Any) -> None:
        _warn("setDelays()", "set(delay=...)")
        self.set(delay=d)

    def randomizeDelays(self, rand_distr: Any) -> None:
        _warn("randomizeDelays()", "set(delay=RandomDistribution(...))")
        self.set(delay=rand_distr)

    def setSynapseDynamics(self, param: str, value: Any) -> None:
        _warn("setSynapseDynamics()", "set()")
        self.set(**{param: value})

    def randomizeSynapseDynamics(self, param: str, rand_distr: Any) -> None:
        _warn("randomizeSynapseDynamics()", "set()")
        self.set(**{param: rand_distr})

    def getWeights(self, format: str = "list", gather: bool = True) -> Any:
        _warn("getWeights()", "get('weight', format)")
        return self._old_get("weight", format)

    def getDelays(self, format: str = "list", gather: bool = True) -> Any:
        _warn("getDelays()", "get('delay', format)")
        return self._old_get("delay", format)

    def getSynapseDynamics(self, parameter_name: str, format: str = "list",
                           gather: bool = True) -> Any:
        _warn("getSynapseDynamics()", "get()")
        return self._old_get(parameter_name, format)

    def _old_get(self, name: str, format: str) -> Any:
        # the 0.7 'list' format is a flat list of values in connection order
        if format == "list":
            return list(self.get(name, "list", with_address=False))
        return self.get(name, "array")

    def saveConnections(self, file: Any, gather: bool = True, compatible_output: bool = True
                        ) -> None:
        _warn("saveConnections()", "save('all', file)")
        self.save("all", file)

    def printWeights(self, file: Any, format: str = "list", gather: bool = True) -> None:
        _warn("printWeights()", "save('weight', file)")
        self.save("weight", file, format=format)

    def printDelays(self, file: Any, format: str = "list", gather: bool = True) -> None:
        _warn("printDelays()", "save('delay', file)")
        self.save("delay", file, format=format)

    def weightHistogram(self, min: float | None = None, max: float | None = None,
                        nbins: int = 10) -> tuple[np.ndarray, np.ndarray]:
        _warn("weightHistogram()", "numpy.histogram(get('weight', 'list', "
              "with_address=False))")
        weights = np.asarray(self._values("weight"))
        low = weights.min() if min is None else min
        high = weights.max() if max is None else max
        return np.histogram(weights, bins=nbins, range=(low, high))
