// Shared lighting for world, horde and sky: hemisphere ambient, sun (or moon), fog,
// exposure + filmic curve + gamma. All colours linear; inputs from lighting.py.
// Built with HDR_OUTPUT (a stage drawn through the post chain of sandbox/view/post.py),
// tonemap() returns linear HDR colour, exposure applied, for the float target, and the
// chain blooms, tone maps and grades; without it, it tone maps here. A #define, not a
// uniform: llvmpipe runs both sides of a branch, so a uniform switch paid for the curve
// and its three pow() on every fragment of every shader.
uniform vec3 u_sun_dir;        // world space, unit, toward the sun/moon
uniform vec3 u_sun_color;      // linear, intensity folded in
uniform vec3 u_sky_ambient;    // linear, light from above
uniform vec3 u_ground_ambient; // linear, light bounced from below
uniform vec3 u_fog_color;      // linear
uniform float u_fog_density;   // per metre
uniform float u_exposure;

vec3 srgb_to_linear(vec3 c) { return pow(c, vec3(2.2)); }

vec3 hemisphere(vec3 n_world) {
    return mix(u_ground_ambient, u_sky_ambient, 0.5 + 0.5 * n_world.z);
}

vec3 apply_fog(vec3 c, float dist) {
    float f = exp(-u_fog_density * dist);
    return mix(u_fog_color, c, clamp(f, 0.0, 1.0));
}

// ACES-like filmic fit (Narkowicz 2015): linear HDR -> linear 0..1, a toe and a soft
// shoulder (2.0 -> 0.92, 4.0 -> 0.97, clips only near 7.6).
vec3 filmic(vec3 c) {
    return clamp((c * (2.51 * c + 0.03)) / (c * (2.43 * c + 0.59) + 0.14), 0.0, 1.0);
}

vec3 tonemap(vec3 c) {
    c *= u_exposure;
#ifdef HDR_OUTPUT
    return c;
#else
    return pow(filmic(c), vec3(1.0 / 2.2));
#endif
}
