//! The web dashboard bench (written next).
fn main() {}
