import pytest

from ember.core import registry
from ember.core.family import Family


class Clip:
    def __init__(self, limit=1.0):
        self.limit = limit

    def __call__(self, w):
        return min(w, self.limit)

    def get_config(self):
        return {"limit": self.limit}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class UserClip(Clip):
    pass


FAMILY = Family("clip", "keras.clips", [Clip], aliases={"clip": Clip})


def halve(w):
    return w / 2


def test_get_resolves_every_kind_of_identifier():
    assert FAMILY.get(None) is None
    assert isinstance(FAMILY.get("clip"), Clip)
    assert isinstance(FAMILY.get("Clip"), Clip)
    assert isinstance(FAMILY.get(Clip), Clip)  # A class is instantiated.
    instance = Clip(3.0)
    assert FAMILY.get(instance) is instance
    assert FAMILY.get(halve) is halve
    assert FAMILY.get({"class_name": "Clip", "config": {"limit": 2}}).limit == 2
    assert isinstance(FAMILY.get("mine", {"mine": UserClip}), UserClip)


def test_errors_name_the_family_and_suggest():
    with pytest.raises(ValueError, match="Unknown clip: 'clp'.*'clip'"):
        FAMILY.get("clp")
    with pytest.raises(ValueError, match="Could not interpret clip"):
        FAMILY.get(3)
    with pytest.raises(ValueError, match="Unknown clip: 'nothing'"):
        FAMILY.deserialize({"class_name": "function", "config": "nothing"})


def test_serialize_builtins_user_classes_and_functions():
    assert FAMILY.serialize(None) is None
    assert FAMILY.serialize(Clip(2.0)) == {
        "module": "keras.clips",
        "class_name": "Clip",
        "config": {"limit": 2.0},
        "registered_name": None,
    }
    user = FAMILY.serialize(UserClip())
    assert (user["class_name"], user["registered_name"]) == (
        "UserClip",
        "UserClip",
    )
    assert FAMILY.serialize(halve)["config"] == "halve"


def test_registered_objects_round_trip_by_registered_name(monkeypatch):
    monkeypatch.setitem(registry.GLOBAL_CUSTOM_OBJECTS, "p>UserClip", UserClip)
    monkeypatch.setitem(registry.GLOBAL_CUSTOM_NAMES, UserClip, "p>UserClip")
    monkeypatch.setitem(registry.GLOBAL_CUSTOM_OBJECTS, "p>halve", halve)
    monkeypatch.setitem(registry.GLOBAL_CUSTOM_NAMES, halve, "p>halve")
    config = FAMILY.serialize(UserClip(5.0))
    assert config["registered_name"] == "p>UserClip"
    restored = FAMILY.deserialize(config)
    assert type(restored) is UserClip and restored.limit == 5.0
    assert FAMILY.deserialize(FAMILY.serialize(halve)) is halve


class BaseClip(Clip):
    pass


def clip_fn(w):
    return w


def test_base_classes_are_accepted_but_never_suggested():
    family = Family("clip", "keras.clips", [Clip], hidden=[BaseClip])
    assert isinstance(family.get("BaseClip"), BaseClip)
    with pytest.raises(ValueError) as error:
        family.get("BaseClipp")
    assert "'BaseClip'" not in str(error.value)
    assert "Known clips: 'Clip'." in str(error.value)


def test_function_configs_prefer_functions_over_class_aliases():
    # As metrics: "clip" names the class, the function "clip" a function.
    family = Family(
        "clip",
        "keras.clips",
        [Clip],
        [clip_fn],
        aliases={"clip": Clip},
        function_aliases={"clip": clip_fn},
    )
    assert isinstance(family.get("clip"), Clip)
    function = {"class_name": "function", "config": "clip"}
    assert family.deserialize(function) is clip_fn


@pytest.mark.parametrize(
    "instantiate, from_get, from_deserialize",
    [("always", Clip, Clip), ("get", Clip, type), ("never", type, type)],
)
def test_when_a_name_becomes_an_instance(
    instantiate, from_get, from_deserialize
):
    family = Family("clip", "keras.clips", [Clip], instantiate=instantiate)
    assert isinstance(family.get("Clip"), from_get)
    assert isinstance(family.deserialize("Clip"), from_deserialize)


def test_case_insensitive_names_and_suggestions():
    family = Family("clip", "keras.clips", [Clip], case_insensitive=True)
    assert isinstance(family.get("cLiP"), Clip)
    with pytest.raises(ValueError, match="Did you mean 'clip'"):
        family.get("clp")


def test_builtin_functions_as_bare_names():
    family = Family(
        "clip", "keras.clips", functions=[clip_fn], names_for_functions=True
    )
    assert family.serialize(clip_fn) == "clip_fn"
    assert family.serialize(halve)["class_name"] == "function"


def test_every_keras_namespace_declares_its_family():
    import ember  # noqa: F401  (declares every family)
    from ember.core.family import families

    assert set(families()) >= {
        "keras.activations",
        "keras.constraints",
        "keras.initializers",
        "keras.layers",
        "keras.losses",
        "keras.metrics",
        "keras.models",
        "keras.optimizers",
        "keras.optimizers.schedules",
        "keras.regularizers",
    }
    assert "keras.clips" not in families()  # Only `register` declares.
