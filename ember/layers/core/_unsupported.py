"""The Keras arguments (LoRA, quantization) that ember's layers refuse."""


def reject_unsupported(layer: str, **arguments: object) -> None:
    """Raises naming the first of `arguments` (in order) that is not None.

    Args:
        layer: the class name that starts the message.
        **arguments: the arguments ember does not support, by name.
    """
    for name, value in arguments.items():
        if value is not None:
            raise ValueError(
                f"{layer}: `{name}` (LoRA / quantization) is not supported "
                f"by ember yet. Received: {name}={value!r}"
            )
