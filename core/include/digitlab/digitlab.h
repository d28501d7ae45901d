// DigitLab core: the one header front ends include. Its folders are floors:
// a header includes only headers of its own floor or lower ones.
//   util/     errors, constants, files, numbers as text
//   data/     IDX data sets, augmentation, the sample cache
//   nn/       architectures, models, kernels and layers, optimizers, the Learner
//   io/       weight files (JSON and binary), model names
//   drawing/  strokes, the drawing -> 28x28 pipeline, readings, drawing sets
//   train/    settings and presets, the Trainer, teaching
#pragma once
#include "digitlab/util/common.h"
#include "digitlab/util/files.h"
#include "digitlab/util/number_text.h"
#include "digitlab/data/augment.h"
#include "digitlab/data/dataset.h"
#include "digitlab/data/sample_cache.h"
#include "digitlab/nn/architecture.h"
#include "digitlab/nn/kernel_path.h"
#include "digitlab/nn/learner.h"
#include "digitlab/nn/model.h"
#include "digitlab/nn/optimizer.h"
#include "digitlab/io/model_name.h"
#include "digitlab/io/weights.h"
#include "digitlab/drawing/drawing_set.h"
#include "digitlab/drawing/preprocess.h"
#include "digitlab/drawing/reading.h"
#include "digitlab/drawing/stroke.h"
#include "digitlab/train/settings.h"
#include "digitlab/train/teach.h"
#include "digitlab/train/trainer.h"
