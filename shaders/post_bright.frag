#version 330
// Bloom bright pass, drawn at 1/div of the frame: a 4-tap box of the HDR scene (each
// bilinear tap averages 2x2 texels, so 4x4 texels in all: no shimmer from skipped
// pixels) then a soft-knee threshold on the brightest channel.
uniform sampler2D u_scene;     // linear HDR, exposure applied
uniform vec2 u_scene_texel;    // 1 / scene size in pixels
uniform float u_threshold;     // linear HDR level where bloom starts
uniform float u_knee;          // width of the soft transition, same units
in vec2 v_uv;
out vec4 o_color;

void main() {
    vec2 d = u_scene_texel;
    vec3 c = 0.25 * (texture(u_scene, v_uv + vec2(-d.x, -d.y)).rgb
                   + texture(u_scene, v_uv + vec2( d.x, -d.y)).rgb
                   + texture(u_scene, v_uv + vec2(-d.x,  d.y)).rgb
                   + texture(u_scene, v_uv + vec2( d.x,  d.y)).rgb);
    float peak = max(max(c.r, c.g), c.b);
    float soft = clamp(peak - u_threshold + u_knee, 0.0, 2.0 * u_knee);
    soft = soft * soft / (4.0 * u_knee + 1e-5);
    float w = max(soft, peak - u_threshold) / max(peak, 1e-5);
    o_color = vec4(c * w, 1.0);
}
