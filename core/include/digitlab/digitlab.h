// DigitLab core: the one header front ends include.
#pragma once
#include "digitlab/architecture.h"
#include "digitlab/augment.h"
#include "digitlab/common.h"
#include "digitlab/dataset.h"
#include "digitlab/hyperparameters.h"
#include "digitlab/model.h"
#include "digitlab/model_name.h"
#include "digitlab/optimizer.h"
#include "digitlab/preprocess.h"
#include "digitlab/trainer.h"
#include "digitlab/training.h"
#include "digitlab/weights_io.h"
