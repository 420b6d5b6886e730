#!/bin/sh
# Serve $model_name (version $version) with TensorFlow Serving and ask it for one prediction.
# Needs Docker. Run from the folder that holds $archive.
set -e
tar xzf $archive   # -> $model_name/$version/saved_model.pb + variables/

# Start the server in the background (book chapter 19's command; add --rm to clean up after).
docker run -p 8501:8501 --mount type=bind,source=$$(pwd)/$model_name,target=/models/$model_name -e MODEL_NAME=$model_name -t tensorflow/serving &
sleep 10   # give the server a moment to load the model

# One real validation row (expected answer: $label); the reply is {"predictions": [[...]]}.
curl -d '$body' \
  -X POST http://localhost:8501/v1/models/$model_name:predict

# Model status and signature:
#   curl http://localhost:8501/v1/models/$model_name
#   curl http://localhost:8501/v1/models/$model_name/metadata
# Stop it: kill %1   (or docker stop <container id> from docker ps)
