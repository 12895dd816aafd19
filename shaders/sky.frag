#version 330
// Sky gradient (horizon -> zenith), a soft glow and a disc for the sun or moon,
// sparse stars when the sky is dark. Same tonemap as the world so the fog meets the sky.
#include "common.glsl"
uniform vec3 u_sky_zenith;
uniform vec3 u_sky_horizon;
uniform vec3 u_disc_color;
uniform float u_disc_cos;   // cos of the disc's angular radius
uniform float u_time;
in vec3 v_dir;
out vec4 o_color;

float hash(vec3 p) { return fract(sin(dot(p, vec3(12.9898, 78.233, 37.719))) * 43758.5453); }

void main() {
    vec3 d = normalize(v_dir);
    float h = clamp(d.z, -1.0, 1.0);
    vec3 c = mix(u_sky_horizon, u_sky_zenith, pow(clamp(h, 0.0, 1.0), 0.55));
    if (h < 0.0) c = mix(u_sky_horizon, u_fog_color, clamp(-h * 8.0, 0.0, 1.0));
    float cs = dot(d, u_sun_dir);
    float glow = pow(max(cs, 0.0), 64.0) * 0.6 + pow(max(cs, 0.0), 6.0) * 0.12;
    c += u_disc_color * glow;
    float disc = smoothstep(u_disc_cos - 0.00004, u_disc_cos + 0.00004, cs);
    c = mix(c, u_disc_color * 4.0, disc);
    // stars: only visible when the zenith is dark
    float dark = 1.0 - smoothstep(0.003, 0.02, dot(u_sky_zenith, vec3(0.33)));
    vec3 cell = floor(d * 700.0);
    float star = step(0.9993, hash(cell)) * smoothstep(0.05, 0.3, h) * dark;
    c += vec3(star) * 0.12;
    // haze near the horizon toward the fog colour
    c = mix(u_fog_color, c, smoothstep(-0.02, 0.18, h));
    o_color = vec4(tonemap(c), 1.0);
}
