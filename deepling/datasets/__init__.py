"""deepling.datasets: small tables shipped inside the package (`load_iris`, `load_wine`) and the
file machinery behind `deepling.keras.datasets` (IDX reader, checksummed downloads).

Large data sets live in `$DEEPLING_HOME/datasets/<name>/` (default `~/.deepling/datasets`).
"""

from .fetch import ChecksumError as ChecksumError
from .fetch import DatasetNotFoundError as DatasetNotFoundError
from .fetch import data_home as data_home
from .idx import IDXFormatError as IDXFormatError
from .idx import read_idx as read_idx
from .tabular import load_iris as load_iris
from .tabular import load_wine as load_wine
