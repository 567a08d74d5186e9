"""torch.distributed's names over MPI (mpi4py): process groups and collectives.

`import deepling.distributed as dist` loads no MPI; the first `init_process_group` imports
mpi4py, or raises an error naming the extra to install (`pip install "deepling[mpi]"`).
Programs run under `deepling-run -n N program.py` (or `mpiexec -n N python -m mpi4py ...`).
"""

from .collectives import ReduceOp as ReduceOp
from .collectives import Work as Work
from .collectives import all_gather as all_gather
from .collectives import all_gather_object as all_gather_object
from .collectives import all_reduce as all_reduce
from .collectives import barrier as barrier
from .collectives import broadcast as broadcast
from .collectives import broadcast_object_list as broadcast_object_list
from .collectives import reduce as reduce
from .process_group import Backend as Backend
from .process_group import GroupMember as GroupMember
from .process_group import ProcessGroup as ProcessGroup
from .process_group import destroy_process_group as destroy_process_group
from .process_group import get_backend as get_backend
from .process_group import get_rank as get_rank
from .process_group import get_world_size as get_world_size
from .process_group import group as group
from .process_group import init_process_group as init_process_group
from .process_group import is_initialized as is_initialized
from .status import is_available as is_available
from .status import is_gloo_available as is_gloo_available
from .status import is_mpi_available as is_mpi_available
from .status import is_nccl_available as is_nccl_available
