#version 330
// World parts (school, gym, terrain, city...) and, with INSTANCED, the tree template
// drawn once per row of u_instances: texel 2i = (x, y, z, scale), texel 2i+1 = (heading, 0, 0, 0).
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform mat4 p3d_ModelViewMatrix;
uniform mat4 p3d_ModelMatrix;
uniform mat4 p3d_ViewMatrix;
uniform mat4 p3d_ProjectionMatrix;
uniform mat3 p3d_NormalMatrix;

in vec4 p3d_Vertex;
in vec3 p3d_Normal;
in vec4 p3d_Color;

#ifdef INSTANCED
uniform samplerBuffer u_instances;
uniform float u_time;
#endif

out vec3 v_world_normal;
out vec3 v_view_pos;
out vec3 v_view_normal;
out vec4 v_color;
out vec3 v_model_pos;
out vec3 v_world_pos;

void main() {
    vec4 world;
    vec3 nworld;
#ifdef INSTANCED
    vec4 a = texelFetch(u_instances, gl_InstanceID * 2);
    vec4 b = texelFetch(u_instances, gl_InstanceID * 2 + 1);
    float c = cos(b.x), s = sin(b.x);
    vec3 p = p3d_Vertex.xyz * a.w;
    // a gentle sway, stronger higher up the tree
    float sway = 0.04 * sin(u_time * 1.3 + a.x * 0.37 + a.y * 0.23) * max(p.z, 0.0);
    p.x += sway;
    world = vec4(a.x + c * p.x - s * p.y, a.y + s * p.x + c * p.y, a.z + p.z, 1.0);
    nworld = vec3(c * p3d_Normal.x - s * p3d_Normal.y, s * p3d_Normal.x + c * p3d_Normal.y, p3d_Normal.z);
    vec4 view = p3d_ViewMatrix * world;
    gl_Position = p3d_ProjectionMatrix * view;
    v_view_pos = view.xyz;
    v_view_normal = mat3(p3d_ViewMatrix) * nworld;
#else
    world = p3d_ModelMatrix * p3d_Vertex;
    nworld = mat3(p3d_ModelMatrix) * p3d_Normal;
    gl_Position = p3d_ModelViewProjectionMatrix * p3d_Vertex;
    v_view_pos = (p3d_ModelViewMatrix * p3d_Vertex).xyz;
    v_view_normal = p3d_NormalMatrix * p3d_Normal;
#endif
    v_world_normal = nworld;
    v_color = p3d_Color;
    v_model_pos = p3d_Vertex.xyz;
    v_world_pos = world.xyz;
}
