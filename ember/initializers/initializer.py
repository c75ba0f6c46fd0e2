"""The base class of all initializers."""

from typing import Any


class Initializer:
    """Base class of initializers: objects that make a weight's first value.

    A subclass implements `__call__(self, shape, dtype=None)` returning an
    array of that shape and dtype, and `get_config()` returning its
    constructor arguments, so that `from_config` can rebuild it.

    Example:

    >>> class Fill(Initializer):
    ...     def __init__(self, value):
    ...         self.value = value
    ...     def __call__(self, shape, dtype=None):
    ...         return jnp.full(shape, self.value, dtype=dtype)
    ...     def get_config(self):
    ...         return {"value": self.value}
    """

    def __call__(self, shape: tuple[int, ...], dtype: Any = None) -> Any:
        """Returns a new array of the given shape and dtype.

        Args:
            shape: the shape of the array.
            dtype: the dtype name; None means `config.floatx()`.

        Returns:
            The array of initial values.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__call__(shape, dtype)`."
        )

    def get_config(self) -> dict:
        """Returns the constructor arguments as a JSON-serializable dict.

        Returns:
            A dict that `from_config` accepts.
        """
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        """Builds an initializer from the output of `get_config`.

        Args:
            config: a dict as `get_config` returns.

        Returns:
            A new initializer.
        """
        if not isinstance(config, dict):
            raise ValueError(
                f"{cls.__name__}: expected its config to be a dict of "
                f"arguments. Received: config={config!r}"[:300]
            )
        return cls(**config)

    def clone(self) -> "Initializer":
        """Returns a new initializer with the same configuration.

        Returns:
            A copy built through `from_config(get_config())`.
        """
        return self.__class__.from_config(self.get_config())
