"""ember.datasets: Keras' small datasets, as `keras.datasets`.

Files are downloaded once into Keras' cache (`~/.keras/datasets`, or
`$KERAS_HOME/datasets`), so ember and Keras share them; nothing is
unpickled.
"""

from ember.datasets import boston_housing
from ember.datasets import california_housing
from ember.datasets import cifar10
from ember.datasets import cifar100
from ember.datasets import fashion_mnist
from ember.datasets import imdb
from ember.datasets import mnist
from ember.datasets import reuters
