"""What SimpleRNN, LSTM and GRU share: an RNN over one built-in cell whose
arguments it takes, exposes and writes into its config."""

from ember import regularizers
from ember.layers.input_spec import InputSpec
from ember.layers.rnn.rnn import RNN

# Arguments an RNN layer passes to `RNN`, not to its cell.
RNN_ARGUMENTS = (
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
)


def own_arguments(local_variables: dict) -> dict:
    """A constructor's named arguments, from its `locals()`."""
    return {
        k: v
        for k, v in local_variables.items()
        if k not in ("self", "kwargs", "__class__")
    }


class CellLayer(RNN):
    """Base of SimpleRNN, LSTM and GRU (not public)."""

    def __init__(self, cell_class, cell_name, arguments: dict, kwargs: dict):
        rnn_args = {k: arguments.pop(k) for k in RNN_ARGUMENTS}
        activity_regularizer = arguments.pop("activity_regularizer", None)
        if "implementation" in kwargs:
            arguments["implementation"] = kwargs.pop("implementation")
        cell = cell_class(
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name=cell_name,
            **arguments,
        )
        super().__init__(
            cell,
            activity_regularizer=activity_regularizer,
            **rnn_args,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=3)

    def __getattr__(self, name):
        # The cell's arguments read through the layer (`lstm.units`).
        if name.startswith("_") or name == "cell":
            raise AttributeError(name)
        cell = self.__dict__.get("cell")
        if cell is not None and name in _CELL_ATTRIBUTES:
            return getattr(cell, name)
        raise AttributeError(
            f"'{type(self).__name__}' object has no attribute '{name}'"
        )

    def get_config(self) -> dict:
        """The loop's arguments and the cell's, as one flat config."""
        config = self._rnn_config()
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        config.update(cell_config)
        config["activity_regularizer"] = regularizers.serialize(
            self.activity_regularizer
        )
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        """Creates the layer from its flat config."""
        return cls(**config)


_CELL_ATTRIBUTES = frozenset(
    {
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "unit_forget_bias",
        "reset_after",
        "kernel_initializer",
        "recurrent_initializer",
        "bias_initializer",
        "kernel_regularizer",
        "recurrent_regularizer",
        "bias_regularizer",
        "kernel_constraint",
        "recurrent_constraint",
        "bias_constraint",
        "dropout",
        "recurrent_dropout",
        "seed",
        "implementation",
    }
)


def check_use_cudnn(value):
    """`use_cudnn` must be "auto", True or False (as Keras checks)."""
    if value not in ("auto", True, False):
        raise ValueError(
            "Invalid value received for argument `use_cudnn`. Expected one "
            f"of {{'auto', True, False}}. Received: use_cudnn={value}"
        )
    return value
