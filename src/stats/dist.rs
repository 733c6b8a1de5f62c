//! Distribution functions. Stub.
pub fn norm_sf(z: f64) -> f64 {
    0.5 * libm_erfc(z / std::f64::consts::SQRT_2)
}
fn libm_erfc(x: f64) -> f64 {
    statrs::function::erf::erfc(x)
}
pub fn norm_two_sided(z: f64) -> f64 {
    2.0 * norm_sf(z.abs())
}
pub fn norm_quantile(p: f64) -> f64 {
    -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * p)
}
pub fn t_sf(_t: f64, _df: f64) -> f64 {
    f64::NAN
}
pub fn t_two_sided(t: f64, df: f64) -> f64 {
    2.0 * t_sf(t.abs(), df)
}
pub fn t_quantile(_p: f64, _df: f64) -> f64 {
    f64::NAN
}
pub fn chi2_sf(_x: f64, _df: f64) -> f64 {
    f64::NAN
}
