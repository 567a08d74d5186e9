"""torchvision.datasets' names: MNIST, FashionMNIST, CIFAR10 and their VisionDataset base."""

from .cifar import CIFAR10 as CIFAR10
from .mnist import MNIST as MNIST
from .mnist import FashionMNIST as FashionMNIST
from .vision import VisionDataset as VisionDataset
