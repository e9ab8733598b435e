//! Behaviour tests of App::update (being written).
