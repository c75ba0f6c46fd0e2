"""ember.core.registry: the registered names below `ember.saving`."""

from ember.core import registry


class Halving:
    def get_config(self):
        return {"factor": 0.5}


def doubled(x):
    return x * 2


def test_registered_name_is_none_unless_registered(monkeypatch):
    assert registry.registered_name(Halving) is None
    assert registry.registered_name({}) is None  # unhashable: never found
    monkeypatch.setitem(registry.GLOBAL_CUSTOM_NAMES, Halving, "p>Halving")
    assert registry.registered_name(Halving) == "p>Halving"


def test_lookup_searches_scopes_innermost_first(monkeypatch):
    monkeypatch.setitem(registry.GLOBAL_CUSTOM_OBJECTS, "p>Halving", Halving)
    assert registry.lookup("p>Halving") is Halving
    assert registry.lookup(None) is None
    stack = registry.scope_stack()
    stack.append({"p>Halving": int})
    stack.append({"p>Halving": float})
    try:
        assert registry.lookup("p>Halving") is float
    finally:
        del stack[-2:]
    assert registry.lookup("p>Halving") is Halving


def test_configs_written_for_user_objects(monkeypatch):
    assert registry.user_object_config(Halving()) == {
        "module": __name__,
        "class_name": "Halving",
        "config": {"factor": 0.5},
        "registered_name": "Halving",
    }
    assert registry.function_config(doubled)["config"] == "doubled"
    monkeypatch.setitem(registry.GLOBAL_CUSTOM_NAMES, Halving, "p>Halving")
    monkeypatch.setitem(registry.GLOBAL_CUSTOM_NAMES, doubled, "p>doubled")
    assert registry.user_object_config(Halving())["registered_name"] == (
        "p>Halving"
    )
    assert registry.function_config(doubled) == {
        "module": "builtins",
        "class_name": "function",
        "config": "p>doubled",
        "registered_name": "function",
    }
    # As Keras, a class defined in `__main__` is written with no module.
    monkeypatch.setattr(Halving, "__module__", "__main__")
    assert registry.user_object_config(Halving())["module"] is None
