"""deepling.backends, as torch.backends: what each hardware backend offers here (the CPU only:
MPS and cuDNN are never available)."""

from . import cudnn as cudnn
from . import mps as mps
