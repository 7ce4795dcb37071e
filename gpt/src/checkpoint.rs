//! Checkpoints as safetensors: every named parameter tensor (f32, `[out, in]` matrices), the
//! AdamW moments when training is to resume (`adam.m.<name>`, `adam.v.<name>`), and under the
//! metadata key `config` one JSON object with the whole run's settings, so that another
//! framework can rebuild the model and its training from the file alone.

use std::collections::HashMap;
use std::path::Path;

use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensors};
use serde::{Deserialize, Serialize};

use crate::config::{ModelConfig, OptimConfig};
use crate::model::Model;
use crate::optim::AdamW;
use crate::{Error, Result};

/// The metadata key holding [`RunConfig`] as JSON.
pub const CONFIG_KEY: &str = "config";

/// Everything about a run besides the tensors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    /// `adder` or `chars`.
    pub task: String,
    /// The characters of token ids 0, 1, ... in order.
    pub vocab: String,
    pub model: ModelConfig,
    pub optim: OptimConfig,
    /// Seeds the initialisation and the data order.
    pub seed: u64,
    /// Sequences per training step.
    pub batch: usize,
    /// Optimizer steps taken when the file was written.
    pub step: u64,
}

/// A model, its run's settings and, for resuming, the optimizer.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    pub run: RunConfig,
    pub model: Model,
    pub optimizer: Option<AdamW>,
}

fn bytes(xs: &[f32]) -> Vec<u8> {
    xs.iter().flat_map(|x| x.to_le_bytes()).collect()
}

impl Checkpoint {
    /// The file's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let lay = &self.model.layout;
        let mut owned: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
        for spec in &lay.tensors {
            owned.push((spec.name.clone(), spec.shape.clone(), bytes(&self.model.params[spec.range()])));
            if let Some(opt) = &self.optimizer {
                owned.push((
                    format!("adam.m.{}", spec.name),
                    spec.shape.clone(),
                    bytes(&opt.m[spec.range()]),
                ));
                owned.push((
                    format!("adam.v.{}", spec.name),
                    spec.shape.clone(),
                    bytes(&opt.v[spec.range()]),
                ));
            }
        }
        let views = owned
            .iter()
            .map(|(name, shape, data)| Ok((name.as_str(), TensorView::new(Dtype::F32, shape.clone(), data)?)))
            .collect::<Result<Vec<_>, safetensors::SafeTensorError>>()
            .map_err(|e| Error::Checkpoint(e.to_string()))?;
        let mut run = self.run.clone();
        run.model = self.model.cfg.clone();
        if let Some(opt) = &self.optimizer {
            run.step = opt.step;
        }
        let config = serde_json::to_string(&run).map_err(|e| Error::Checkpoint(e.to_string()))?;
        let meta = HashMap::from([(CONFIG_KEY.to_string(), config)]);
        safetensors::serialize(views, Some(meta)).map_err(|e| Error::Checkpoint(e.to_string()))
    }

    /// Reads a checkpoint written by [`Checkpoint::to_bytes`]; `optimizer` is `Some` when
    /// the file holds the AdamW moments of every tensor.
    pub fn from_bytes(buf: &[u8]) -> Result<Checkpoint> {
        let fail = |m: String| Error::Checkpoint(m);
        let (_, header) =
            SafeTensors::read_metadata(buf).map_err(|e| fail(format!("not a safetensors file: {e}")))?;
        let config = header
            .metadata()
            .as_ref()
            .and_then(|m| m.get(CONFIG_KEY))
            .ok_or_else(|| fail(format!("the metadata has no {CONFIG_KEY:?} entry")))?;
        let run: RunConfig = serde_json::from_str(config)
            .map_err(|e| fail(format!("the {CONFIG_KEY:?} metadata is not a run configuration: {e}")))?;
        run.model.validate()?;
        let tensors = SafeTensors::deserialize(buf).map_err(|e| fail(e.to_string()))?;
        let mut model =
            Model::from_params(run.model.clone(), vec![0.0; crate::params::Layout::new(&run.model).len])?;
        let read = |name: &str, shape: &[usize], out: &mut [f32]| -> Result<()> {
            let view = tensors.tensor(name).map_err(|_| fail(format!("tensor {name:?} is missing")))?;
            if view.dtype() != Dtype::F32 || view.shape() != shape {
                return Err(fail(format!(
                    "tensor {name:?} is {:?} {:?}; the configuration needs F32 {shape:?}",
                    view.dtype(),
                    view.shape()
                )));
            }
            for (o, b) in out.iter_mut().zip(view.data().chunks_exact(4)) {
                *o = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            }
            Ok(())
        };
        let specs = model.layout.tensors.clone();
        for spec in &specs {
            read(&spec.name, &spec.shape, &mut model.params[spec.range()])?;
        }
        let has_moments =
            specs.first().is_some_and(|s| tensors.tensor(&format!("adam.m.{}", s.name)).is_ok());
        let optimizer = if has_moments {
            let mut opt = AdamW::new(model.layout.len);
            opt.step = run.step;
            for spec in &specs {
                read(&format!("adam.m.{}", spec.name), &spec.shape, &mut opt.m[spec.range()])?;
                read(&format!("adam.v.{}", spec.name), &spec.shape, &mut opt.v[spec.range()])?;
            }
            Some(opt)
        } else {
            None
        };
        Ok(Checkpoint { run, model, optimizer })
    }

    /// Writes the checkpoint to `path` (through a temporary file beside it, renamed into
    /// place, so an interrupted write never leaves half a checkpoint).
    pub fn save(&self, path: &Path) -> Result<()> {
        let io = |source| Error::Io { path: path.display().to_string(), source };
        let tmp = path.with_extension("safetensors.partial");
        std::fs::write(&tmp, self.to_bytes()?).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    pub fn load(path: &Path) -> Result<Checkpoint> {
        let buf =
            std::fs::read(path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
        Self::from_bytes(&buf)
    }
}
