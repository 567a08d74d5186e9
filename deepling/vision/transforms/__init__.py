"""torchvision.transforms' names."""

from .geometry import RandomCrop as RandomCrop
from .geometry import Resize as Resize
from .transforms import Compose as Compose
from .transforms import InterpolationMode as InterpolationMode
from .transforms import Lambda as Lambda
from .transforms import Normalize as Normalize
from .transforms import RandomHorizontalFlip as RandomHorizontalFlip
from .transforms import ToTensor as ToTensor
