// DigitLab core: the one header front ends include.
#pragma once
#include "digitlab/common.h"
#include "digitlab/dataset.h"
#include "digitlab/drawing_set.h"
#include "digitlab/mlp.h"
#include "digitlab/optimizer.h"
#include "digitlab/preprocess.h"
#include "digitlab/stroke.h"
#include "digitlab/trainer.h"
#include "digitlab/training.h"
#include "digitlab/weights_io.h"
