"""keras.backend: the few helpers tutorials call."""

from .layers.base import clear_session as clear_session


def epsilon() -> float:
    return 1e-7


from .layers.conv_utils import image_data_format as image_data_format  # noqa: E402
from .layers.conv_utils import set_image_data_format as set_image_data_format  # noqa: E402
