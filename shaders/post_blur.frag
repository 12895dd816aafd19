#version 330
// One direction of a separable Gaussian (sigma 2 texels, radius 4) in 5 bilinear
// taps: pairs of texels are fetched with one tap placed at their weighted centre.
uniform sampler2D u_src;
uniform vec2 u_step;           // one texel along the blur direction, in uv
in vec2 v_uv;
out vec4 o_color;

// Offsets and weights of the merged taps (texels; Gaussian sigma 2; weights sum to 1).
const float OFF[3] = float[](0.0, 1.40733, 3.29421);
const float WGT[3] = float[](0.20416, 0.30401, 0.09391);

void main() {
    vec3 c = texture(u_src, v_uv).rgb * WGT[0];
    for (int i = 1; i < 3; i++) {
        c += texture(u_src, v_uv + u_step * OFF[i]).rgb * WGT[i];
        c += texture(u_src, v_uv - u_step * OFF[i]).rgb * WGT[i];
    }
    o_color = vec4(c, 1.0);
}
