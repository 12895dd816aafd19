#version 330
// Full-screen triangle at the far plane, drawn after the opaque world with the depth
// test on (sandbox/view/stage.py), so only uncovered pixels are shaded; the world
// direction of each pixel comes from the inverse view-projection (u_inv_view_proj, set
// by the stage every camera change).
in vec4 p3d_Vertex;
uniform mat4 u_inv_view_proj;
out vec3 v_dir;
void main() {
    vec2 clip = p3d_Vertex.xy;
    gl_Position = vec4(clip, 0.99999, 1.0);
    vec4 a = u_inv_view_proj * vec4(clip, -1.0, 1.0);
    vec4 b = u_inv_view_proj * vec4(clip, 1.0, 1.0);
    v_dir = b.xyz / b.w - a.xyz / a.w;
}
