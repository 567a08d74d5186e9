"""torchvision's names over deepling: `import deepling.vision as torchvision`, or
`from deepling.vision import datasets, transforms`.

`datasets` holds MNIST, FashionMNIST and CIFAR10 (read from torchvision's folders under
`root`, or from `$DEEPLING_HOME/datasets`); `transforms` holds Compose, ToTensor, Normalize,
Lambda, RandomHorizontalFlip, RandomCrop and Resize. Pillow is used when it is installed (and
only then imported): datasets give PIL images, as torchvision's do; without it, NumPy arrays.
"""

from . import datasets as datasets
from . import transforms as transforms
