//! `harness bench <kernel> --plot FILE.svg`: throughput against problem size for every
//! implementation, with the roofline (the FMA peak or a copy of the same bytes) drawn as a
//! dashed line, so how far each one is from the limit shows at a glance.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use plotters::prelude::*;

/// One line of the chart: `(size, rate)` points, sizes increasing.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// What the axes say.
#[derive(Clone, Copy, Debug)]
pub struct Axes<'a> {
    pub title: &'a str,
    /// The x axis, e.g. "elements" or "n (n x n matrices)"; drawn on a log scale.
    pub size: &'a str,
    /// The y axis, e.g. "G elem/s" or "GFLOP/s".
    pub rate: &'a str,
}

const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(23, 190, 207),
];

/// Draws `series` and the `roofline` into an SVG file at `path`.
pub fn throughput_svg(path: &Path, axes: Axes<'_>, series: &[Series], roofline: &Series) -> Result<()> {
    let all = || series.iter().chain(std::iter::once(roofline)).flat_map(|s| s.points.iter().copied());
    ensure!(all().next().is_some(), "nothing measured to plot");
    let (lo, hi) = all().fold((f64::INFINITY, 0.0f64), |(lo, hi), (x, _)| (lo.min(x), hi.max(x)));
    let top = all().map(|(_, y)| y).filter(|y| y.is_finite()).fold(0.0f64, f64::max) * 1.15;
    // A lone size still gets an x range to draw in.
    let (lo, hi) = if hi > lo { (lo / 1.3, hi * 1.3) } else { (lo / 2.0, hi * 2.0) };
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::new(path, (960, 600)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(axes.title, ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d((lo..hi).log_scale(), 0.0..top.max(f64::MIN_POSITIVE))?;
        chart.configure_mesh().x_desc(axes.size).y_desc(axes.rate).draw()?;
        let roof = BLACK.stroke_width(2);
        for (i, dash) in roofline.points.windows(2).flat_map(|w| dashes(w[0], w[1])).enumerate() {
            let drawn = chart.draw_series(LineSeries::new(dash, roof))?;
            if i == 0 {
                drawn
                    .label(&roofline.name)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], roof));
            }
        }
        chart.draw_series(roofline.points.iter().map(|&p| Circle::new(p, 3, BLACK.filled())))?;
        for (s, color) in series.iter().zip(PALETTE.iter().cycle()) {
            let color = *color;
            chart
                .draw_series(LineSeries::new(s.points.iter().copied(), color.stroke_width(2)))?
                .label(&s.name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
            chart.draw_series(s.points.iter().map(|&p| Circle::new(p, 4, color.filled())))?;
        }
        chart.configure_series_labels().border_style(BLACK).background_style(WHITE.mix(0.9)).draw()?;
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| anyhow::anyhow!("{e}")).with_context(|| format!("drawing {}", path.display()))
}

/// A dashed segment from `a` to `b` (equal steps in log x), as short solid pieces.
fn dashes(a: (f64, f64), b: (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    const PIECES: usize = 12;
    let at = |t: f64| (a.0 * (b.0 / a.0).powf(t), a.1 + (b.1 - a.1) * t);
    (0..PIECES)
        .step_by(2)
        .map(|i| vec![at(i as f64 / PIECES as f64), at((i + 1) as f64 / PIECES as f64)])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_every_series_and_the_roofline() {
        let dir = std::env::temp_dir().join(format!("harness-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("softmax.svg");
        let series = |name: &str, k: f64| Series {
            name: name.into(),
            points: vec![(1024.0, k), (65536.0, 2.0 * k), (1048576.0, 1.5 * k)],
        };
        let roofline = series("copy (roofline)", 3.0);
        let axes = Axes { title: "softmax", size: "elements", rate: "G elem/s" };
        throughput_svg(&path, axes, &[series("avx512", 1.0), series("scalar", 0.2)], &roofline).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        for text in ["softmax", "avx512", "scalar", "copy (roofline)", "G elem/s", "elements"] {
            assert!(svg.contains(text), "{text} missing from the SVG");
        }
        assert!(svg.matches("<polyline").count() >= 2 + 3, "a line per series and the dashes");
        let empty = throughput_svg(&path, axes, &[], &Series { name: "copy".into(), points: vec![] });
        assert!(empty.unwrap_err().to_string().contains("nothing measured"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn dashes_cover_every_other_piece() {
        let d = dashes((1.0, 0.0), (4096.0, 12.0));
        assert_eq!(d.len(), 6);
        assert_eq!(d[0][0], (1.0, 0.0));
        assert!((d[0][1].0 - 2.0).abs() < 1e-9 && (d[0][1].1 - 1.0).abs() < 1e-9);
    }
}
